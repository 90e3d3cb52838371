import type { OutgoingNotice } from './chat-port.ts';

/**
 * Notices sent as one message (bot/outbox/coalesce-notices.ts decides which): each keeps its title and
 * body, one after the other, under a title that says how many, and that they are the digest when all
 * of them waited for it. Pure.
 */
export function mergedNotices(notices: readonly OutgoingNotice[]): OutgoingNotice {
  return {
    kind: 'notice',
    title: notices.every((notice) => notice.digest)
      ? `🗞 Digest: ${notices.length} low-priority updates`
      : `${notices.length} updates`,
    body: notices.map((notice) => (notice.body ? `${notice.title}\n${notice.body}` : notice.title)).join('\n\n'),
  };
}
