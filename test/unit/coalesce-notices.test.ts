import { describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../graphs/chat-port.ts';
import { coalesce } from '../../bot/outbox/coalesce-notices.ts';
import type { OutboxMessage } from '../../bot/db/repositories/outbox.ts';
import { solutionsQuestion } from '../helpers/sample-messages.ts';

let id = 0;
const row = (channel: string, message: OutgoingMessage, conversation?: string): OutboxMessage => ({
  id: ++id,
  channel,
  conversation,
  message,
  attempts: 1,
});
const notice = (title: string, body = ''): OutgoingMessage => ({ kind: 'notice', title, body });
const signalOnly = (channel: string) => channel === 'signal';

describe('coalescing a backlog of notices', () => {
  it('merges consecutive notices to one conversation into one message, in order', () => {
    const due = [
      row('signal', notice('🔔 #3: 2 more alerts', 'DiskFull on nas')),
      row('signal', notice('✅ #2 resolved: HighLoad')),
      row('signal', notice('✅ #3 resolved')),
    ];
    const batches = coalesce(due, signalOnly);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.items.map((item) => item.id)).toEqual(due.map((item) => item.id));
    expect(batches[0]!.message).toEqual({
      kind: 'notice',
      title: '3 updates',
      body: '🔔 #3: 2 more alerts\nDiskFull on nas\n\n✅ #2 resolved: HighLoad\n\n✅ #3 resolved',
    });
  });

  it('sends questions and follow-ups alone, since quotes and edits need their own message', () => {
    const due = [
      row('signal', notice('a')),
      row('signal', solutionsQuestion),
      row('signal', notice('b')),
      row('signal', notice('c')),
    ];
    expect(coalesce(due, signalOnly).map((batch) => batch.items.length)).toEqual([1, 1, 2]);
  });

  it('merges digest notices due together on every channel, and only with each other', () => {
    const digest = (title: string): OutgoingMessage => ({ kind: 'notice', title, body: '', digest: true });
    const due = [
      row('mattermost', digest('🔔 #3: 1 more alert')),
      row('mattermost', digest('✅ #2 resolved')),
      row('mattermost', notice('⚙️ #4: ran restart_pod')),
      row('mattermost', digest('✅ #5 resolved')),
    ];
    const batches = coalesce(due, signalOnly);
    expect(batches.map((batch) => batch.items.length)).toEqual([2, 1, 1]);
    expect(batches[0]!.message).toMatchObject({
      title: '🗞 Digest: 2 low-priority updates',
      body: '🔔 #3: 1 more alert\n\n✅ #2 resolved',
    });
  });

  it('sends a notice with a picture alone, so the picture stays with its report', () => {
    const report: OutgoingMessage = {
      kind: 'notice',
      title: '📈 Weekly report',
      body: 'x',
      image: { filename: 'c.png', contentType: 'image/png', base64: 'iVBORw0KGgo=', alt: 'chart' },
    };
    const due = [
      row('signal', notice('a')),
      row('signal', report),
      row('signal', notice('b')),
      row('signal', notice('c')),
    ];
    const batches = coalesce(due, signalOnly);
    expect(batches.map((batch) => batch.items.length)).toEqual([1, 1, 2]);
    expect(batches[1]!.message).toBe(report);
  });

  it('keeps conversations and channels apart, and leaves channels that do not coalesce alone', () => {
    const due = [
      row('signal', notice('a')),
      row('signal', notice('b'), 'group.abc'),
      row('mattermost', notice('c')),
      row('mattermost', notice('d')),
    ];
    expect(coalesce(due, signalOnly).map((batch) => batch.items.length)).toEqual([1, 1, 1, 1]);
  });

  it('starts a new message before a merged one grows too long to read', () => {
    const long = 'x'.repeat(700);
    const due = [row('signal', notice('a', long)), row('signal', notice('b', long)), row('signal', notice('c', long))];
    expect(coalesce(due, signalOnly).map((batch) => batch.items.length)).toEqual([2, 1]);
  });
});
