import type { OutgoingMessage } from '../../graphs/chat-port.ts';
import { mergedNotices } from '../../graphs/merged-notices.ts';
import type { OutboxMessage } from '../db/repositories/outbox.ts';

/** Messages sent as one: usually one row, or several notices waiting for the same conversation. */
export interface Batch {
  items: OutboxMessage[];
  message: OutgoingMessage;
}

/** Keeps a merged message readable on a phone and well inside Signal's long-text limit. */
const MERGED_LIMIT = 1_800;

/**
 * Groups due messages, in order, for sending. On channels that coalesce, consecutive notices to the
 * same conversation become one notice (a backlog after an outage arrives as one message, not a
 * burst that trips the rate limit again); digest notices due together are merged on every channel.
 * Questions and follow-ups always go alone: quotes and edits need their own message.
 */
export function coalesce(due: readonly OutboxMessage[], coalesces: (channel: string) => boolean): Batch[] {
  const batches: Batch[] = [];
  for (const item of due) {
    const last = batches.at(-1);
    const head = last?.items[0];
    const joinable =
      last !== undefined &&
      head !== undefined &&
      item.message.kind === 'notice' &&
      last.message.kind === 'notice' &&
      // A picture belongs to its own message.
      !item.message.image &&
      !last.message.image &&
      (coalesces(item.channel) ||
        (item.message.digest === true &&
          last.items.every((each) => each.message.kind === 'notice' && each.message.digest === true))) &&
      head.channel === item.channel &&
      head.conversation === item.conversation &&
      length(last.message) + length(item.message) <= MERGED_LIMIT;
    if (!joinable) {
      batches.push({ items: [item], message: item.message });
      continue;
    }
    const notices = [...last.items, item].map((each) => each.message as Extract<OutgoingMessage, { kind: 'notice' }>);
    last.items.push(item);
    last.message = mergedNotices(notices);
  }
  return batches;
}

function length(message: OutgoingMessage): number {
  return message.title.length + ('body' in message ? message.body.length : 0) + 2;
}
