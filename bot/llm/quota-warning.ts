import type { OutgoingNotice } from '../../graphs/chat-port.ts';
import type { QuotaWarning } from './quota.ts';

/** The chat notice when an expensive model has used much of its quota. */
export function quotaWarningNotice(warning: QuotaWarning): OutgoingNotice {
  const share = Math.round((warning.used / warning.limit) * 100);
  const period = warning.period === 'day' ? 'today' : 'this week';
  return {
    kind: 'notice',
    title: `⚠️ ${warning.alias}: ${warning.used} of ${warning.limit} calls used ${period} (${share}%)`,
    body: `When the limit is reached, requests fall back to gemini-thinking → gemini-pro → gemini-flash until the ${warning.period === 'day' ? 'day' : 'week'} is over (UTC).`,
  };
}
