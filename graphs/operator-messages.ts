import type { OutgoingNotice } from './chat-port.ts';
import { inert } from './inert-text.ts';

/**
 * What Steward says about itself: a chat channel that stopped delivering, an MCP server that went
 * away or came back, a schedule that failed, a model's quota running low. Errors come from outside
 * (a platform's or a server's message) and are made inert.
 */

/** "⚠️ Signal is not delivering", told through the other channels. */
export function channelNotDelivering(channel: { channel: string; waiting: number; oldest: Date | null; failed: number; lastError: string | null }): OutgoingNotice {
  const since = channel.oldest ? ` since ${channel.oldest.toISOString().slice(11, 16)} UTC` : '';
  return {
    kind: 'notice',
    title: `⚠️ ${channel.channel.charAt(0).toUpperCase()}${channel.channel.slice(1)} is not delivering`,
    body: [
      `${channel.waiting} message${channel.waiting === 1 ? '' : 's'} waiting${since}; ${channel.failed} failed for good in the last hour.`,
      channel.lastError ? `Last error: ${inert(channel.lastError, 300)}` : '',
      'Questions are also asked here, so you can answer here.',
    ]
      .filter(Boolean)
      .join('\n'),
  };
}
