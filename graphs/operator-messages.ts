import type { OutgoingNotice } from './chat-port.ts';
import { inert, quotedLines } from './inert-text.ts';

/**
 * What Steward says about itself: a chat channel that stopped delivering, an MCP server that went
 * away or came back, a schedule that failed, a model's quota running low. Errors come from outside
 * (a platform's or a server's message) and are made inert.
 */

/** "⚠️ Signal is not delivering", told through the other channels. */
export function channelNotDelivering(channel: {
  channel: string;
  waiting: number;
  oldest: Date | null;
  failed: number;
  lastError: string | null;
}): OutgoingNotice {
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

/** Why an MCP server is down (its connection closed, or an error from it), or how many tools it lists again. */
export type McpStatusDetail = { closed: true } | { error: string } | { tools: number };

/**
 * An MCP server went away ("⚠️ MCP server kubernetes is down", with why) or came back (with how many
 * tools). The name is the owner's configuration; the server's error is outside text.
 */
export function mcpServerStatus(server: string, status: 'down' | 'up', detail: McpStatusDetail): OutgoingNotice {
  return {
    kind: 'notice',
    title: status === 'down' ? `⚠️ MCP server ${server} is down` : `✅ MCP server ${server} is back`,
    body:
      'closed' in detail ? 'connection closed' : 'error' in detail ? inert(detail.error, 300) : `${detail.tools} tools`,
  };
}

/** An expensive model has used much of its quota; what happens when it runs out. */
export function quotaRunningLow(warning: {
  alias: string;
  used: number;
  limit: number;
  period: 'day' | 'week';
}): OutgoingNotice {
  const share = Math.round((warning.used / warning.limit) * 100);
  const period = warning.period === 'day' ? 'today' : 'this week';
  return {
    kind: 'notice',
    title: `⚠️ ${warning.alias}: ${warning.used} of ${warning.limit} calls used ${period} (${share}%)`,
    body: `When the limit is reached, requests fall back to gemini-thinking → gemini-pro → gemini-flash until the ${warning.period === 'day' ? 'day' : 'week'} is over (UTC).`,
  };
}

/** A scheduled job that failed: it is not retried until its next time. The error may quote outside text. */
export function scheduleFailed(jobId: string, error: string): OutgoingNotice {
  return {
    kind: 'notice',
    title: `⚠️ ${jobId} failed`,
    body: `${inert(error, 300)}. It is not retried now; it runs again at its next time.`,
  };
}

/** A scheduled query's answer: a model's text (which may quote what a tool read), quoted line by line. */
export function scheduledAnswer(queryId: string, answer: string): OutgoingNotice {
  return { kind: 'notice', title: `🗓 ${queryId}`, body: quotedLines(answer, 60, 400) };
}
