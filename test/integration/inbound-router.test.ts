import { beforeEach, describe, expect, it } from 'vitest';
import type { InboundReply } from '../../graphs/chat-port.ts';
import type { Reply, ReplyContext } from '../../graphs/replies.ts';
import { createInboundRouter } from '../../bot/chat/inbound-router.ts';
import { createPostgresCoordination } from '../../bot/coordination/index.ts';
import { createAuditLog } from '../../bot/db/repositories/audit-log.ts';
import { createOutboxRepository } from '../../bot/db/repositories/outbox.ts';
import { useMigratedDatabase } from '../helpers/databases.ts';
import { silentLogger } from '../helpers/silent-logger.ts';

const OWNER_NUMBER = '+4915112345678';
const OWNER_UUID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const GROUP = 'group.bUhOMWtpWGdNWHBLejVBaDJsMTEwTkxRSHpJcllhRnVDM2MzbXpwU29hRT0=';
let next = 0;

function signal(
  text: string,
  from: { uuid: string; number: string } = { uuid: OWNER_UUID, number: OWNER_NUMBER },
  extra: Partial<InboundReply> = {},
): InboundReply {
  next += 1;
  return {
    platform: 'signal',
    conversation: GROUP,
    sender: from.uuid,
    senderAliases: [from.number],
    text,
    externalId: `${from.uuid}:${1_787_000_000_000 + next}`,
    ...extra,
  };
}

describe('inbound chat messages', () => {
  const database = useMigratedDatabase();
  let handled: { reply: Reply; context: ReplyContext }[];
  let router: ReturnType<typeof createInboundRouter>;

  beforeEach(async () => {
    await database.pool.query('DELETE FROM outbox');
    handled = [];
    router = createInboundRouter({
      db: database.pool,
      outbox: createOutboxRepository(database.pool),
      coordination: createPostgresCoordination(database.pool),
      audit: createAuditLog(database.pool),
      logger: silentLogger(),
      approvers: { signal: [OWNER_NUMBER], mattermost: ['@Owner'] },
      handler: { handle: (reply, context) => Promise.resolve(void handled.push({ reply, context })) },
    });
  });

  const queued = async () =>
    (
      await database.pool.query<{ channel: string; conversation: string; payload: { title: string; body: string } }>(
        'SELECT channel, conversation, payload FROM outbox ORDER BY id',
      )
    ).rows;

  it('hands an approver’s reply to the flow with where it came from', async () => {
    const quoted = signal('2 #14', undefined, { inReplyTo: '1787390200000' });
    expect(await router.handle(quoted)).toBe('handled');
    expect(handled).toEqual([
      {
        reply: { kind: 'choose', option: 2, incident: 14 },
        context: {
          platform: 'signal',
          conversation: GROUP,
          sender: OWNER_UUID,
          senderAliases: [OWNER_NUMBER],
          inReplyTo: '1787390200000',
          reaction: false,
        },
      },
    ]);
  });

  it('keeps a message with characters PostgreSQL cannot store, replacing them, instead of losing it', async () => {
    expect(await router.handle(signal('custom: restart radarr\u0000 and \ud800 sonarr'))).toBe('handled');
    expect(handled.at(-1)!.reply).toEqual({ kind: 'custom', instruction: 'restart radarr\ufffd and \ufffd sonarr' });
    // A stranger's id with a NUL is audited and refused like any other stranger's.
    expect(await router.handle(signal('1', { uuid: 'not\u0000an-approver', number: '+4915199999999' }))).toBe(
      'refused',
    );
  });

  it('acts once on a message delivered twice', async () => {
    const reply = signal('approve');
    expect(await router.handle(reply)).toBe('handled');
    expect(await router.handle({ ...reply })).toBe('duplicate');
    expect(handled).toHaveLength(1);
  });

  it('knows approvers by any of their identities, usernames without case or @', async () => {
    expect(await router.handle(signal('status', { uuid: OWNER_UUID, number: OWNER_NUMBER }))).toBe('handled');
    const mattermost: InboundReply = {
      platform: 'mattermost',
      conversation: 'channel',
      sender: 'userid1',
      senderAliases: ['owner'],
      text: 'weekly',
      externalId: 'post-1',
    };
    expect(await router.handle(mattermost)).toBe('handled');
    expect(
      await router.handle({
        platform: 'shell',
        conversation: 'terminal',
        sender: 'terminal',
        text: 'status',
        externalId: 'shell-1',
      }),
    ).toBe('handled');
  });

  it('never acts for a stranger: audits every attempt and refuses once, in the conversation they wrote in', async () => {
    const stranger = { uuid: '99999999-0000-4000-8000-000000000000', number: '+4915100000000' };
    expect(await router.handle(signal('1', stranger))).toBe('refused');
    expect(await router.handle(signal('approve', stranger))).toBe('refused again');
    expect(handled).toEqual([]);
    expect(await queued()).toEqual([
      { channel: 'signal', conversation: GROUP, payload: expect.objectContaining({ title: '⛔ Not an approver' }) },
    ]);
    const audit = await database.pool.query(
      'SELECT actor, channel, outcome, details FROM audit_log WHERE actor = $1 ORDER BY id',
      [stranger.uuid],
    );
    expect(audit.rows).toEqual([
      { actor: stranger.uuid, channel: 'signal', outcome: 'refused: not an approver', details: { length: 1 } },
      { actor: stranger.uuid, channel: 'signal', outcome: 'refused: not an approver', details: { length: 7 } },
    ]);
  });

  it('answers text it does not understand with the short help, and guesses nothing', async () => {
    expect(await router.handle(signal('please fix the thing'))).toBe('help');
    expect(await router.handle(signal('help'))).toBe('help');
    expect(handled).toEqual([]);
    const rows = await queued();
    expect(rows.map((row) => row.payload.title)).toEqual(["🤔 I didn't understand that", 'Steward help']);
    expect(rows[0]!.conversation).toBe(GROUP);
    expect(rows[0]!.payload.body).toContain('snooze 2h');
  });

  it('reads a 👍 reaction as approve of the message it targets, and other reactions as nothing', async () => {
    expect(await router.handle(signal('👍', undefined, { reaction: true, inReplyTo: '1787390200000' }))).toBe(
      'handled',
    );
    expect(await router.handle(signal('😂', undefined, { reaction: true, inReplyTo: '1787390200000' }))).toBe(
      'ignored',
    );
    expect(handled).toEqual([
      { reply: { kind: 'approve' }, context: expect.objectContaining({ reaction: true, inReplyTo: '1787390200000' }) },
    ]);
  });
});
