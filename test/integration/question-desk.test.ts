import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createQuestionDesk, type QuestionDesk } from '../../bot/chat/question-desk.ts';
import { createOutboxRepository, type OutboxRepository } from '../../bot/outbox/outbox-repository.ts';
import type { QuestionRequest } from '../../graphs/questions.ts';
import { useMigratedDatabase } from '../helpers/databases.ts';

describe('questions across chat channels', () => {
  const database = useMigratedDatabase();
  let desk: QuestionDesk;
  let outbox: OutboxRepository;
  let incident: number;

  const ask = (extra: Partial<QuestionRequest> = {}) =>
    desk.ask({
      incidentId: incident,
      kind: 'solution',
      title: '📋 Solutions found',
      body: 'radarr-0 uses 95% of its memory limit.',
      options: [
        { number: 1, label: 'Increase memory 1GB → 2GB', risk: 'low' },
        { number: 2, label: 'Restart radarr', risk: 'low' },
      ],
      replyHint: 'Reply: 1, 2, ignore, or custom: …',
      defaultOption: 1,
      ...extra,
    });
  const rows = async (questionId: number) =>
    (await database.pool.query<{ id: string; channel: string; kind: string; status: string }>('SELECT id, channel, kind, status FROM outbox WHERE question_id = $1 ORDER BY id', [questionId])).rows;
  /** The worker's part, without a platform: the copy on `channel` was sent and got `ref`. */
  const sent = async (questionId: number, channel: string, ref: string) => {
    const row = (await rows(questionId)).find((each) => each.channel === channel && each.kind === 'question')!;
    await outbox.markSent(Number(row.id), ref);
  };
  const newIncident = async (key: string) =>
    Number((await database.pool.query<{ id: string }>("INSERT INTO incidents (source, external_key, title) VALUES ('alertmanager', $1, 'HighMemory radarr') RETURNING id", [key])).rows[0]!.id);

  beforeAll(() => {
    outbox = createOutboxRepository(database.pool);
  });
  beforeEach(async () => {
    desk = createQuestionDesk({ pool: database.pool, channels: ['signal', 'mattermost'] });
    incident = await newIncident(`group-${Math.random()}`);
  });

  it('asks on every channel once, however often the flow asks with the same key', async () => {
    const id = await ask({ askKey: 'interrupt-1' });
    expect(await ask({ askKey: 'interrupt-1' })).toBe(id);
    expect((await rows(id)).map((row) => `${row.channel}:${row.kind}:${row.status}`)).toEqual(['signal:question:pending', 'mattermost:question:pending']);
    expect(await desk.get(id)).toMatchObject({ id, incidentId: incident, kind: 'solution', status: 'open', defaultOption: 1, options: [{ number: 1 }, { number: 2 }] });
  });

  it('binds a quote or thread reply to its question, `#14` to that incident, and anything else to the latest open question on the platform', async () => {
    const older = await ask();
    await sent(older, 'signal', '1787390201000');
    await sent(older, 'mattermost', 'olderpost00000000000000000');
    const otherIncident = await newIncident(`group-${Math.random()}`);
    const newer = await desk.ask({ incidentId: otherIncident, kind: 'problem', title: '🔔 Issue detected', body: '', options: [{ number: 1, label: 'Yes' }], replyHint: '' });

    expect((await desk.bind({ platform: 'signal', inReplyTo: '1787390201000' }))?.question.id).toBe(older);
    expect((await desk.bind({ platform: 'mattermost', inReplyTo: 'olderpost00000000000000000' }))?.question.id).toBe(older);
    expect((await desk.bind({ platform: 'signal', incident }))?.question.id).toBe(older);
    const latest = await desk.bind({ platform: 'signal' });
    expect(latest?.question.id).toBe(newer);
    expect(latest?.otherOpen).toContain(incident);
    // A quote of something that is not a question falls back to the latest open one.
    expect((await desk.bind({ platform: 'signal', inReplyTo: '42' }))?.question.id).toBe(newer);
    expect(await desk.bind({ platform: 'shell' })).toBeUndefined();
  });

  it('takes the first answer when two arrive at once on two channels, and follows the question up on both', async () => {
    const id = await ask();
    await sent(id, 'signal', '1787390202000');
    await sent(id, 'mattermost', 'questionpost00000000000000');
    const [bySignal, byMattermost] = await Promise.all([
      desk.decide(id, { kind: 'option', option: 1, label: 'Increase memory 1GB → 2GB' }, '+4915112345678', 'signal'),
      desk.decide(id, { kind: 'ignore' }, 'alice', 'mattermost'),
    ]);
    const outcomes = [bySignal.outcome, byMattermost.outcome].sort();
    expect(outcomes).toEqual(['already answered', 'decided']);
    const loser = bySignal.outcome === 'decided' ? byMattermost : bySignal;
    const winner = bySignal.outcome === 'decided' ? { actor: '+4915112345678', channel: 'signal' } : { actor: 'alice', channel: 'mattermost' };
    expect(loser).toMatchObject({ outcome: 'already answered', ...winner });

    const decisions = await database.pool.query('SELECT actor, channel FROM decisions WHERE question_id = $1', [id]);
    expect(decisions.rows).toEqual([winner]);
    expect((await desk.get(id))?.status).toBe('answered');
    const followUps = (await rows(id)).filter((row) => row.kind === 'follow-up');
    expect(followUps.map((row) => row.channel).sort()).toEqual(['mattermost', 'signal']);
    const payload = await database.pool.query<{ payload: { title: string } }>("SELECT payload FROM outbox WHERE question_id = $1 AND kind = 'follow-up' LIMIT 1", [id]);
    expect(payload.rows[0]!.payload.title).toBe(`✔ Answered by ${winner.actor} via ${winner.channel}`);
    const audit = await database.pool.query("SELECT actor, channel, outcome FROM audit_log WHERE action = 'question.answer' AND details->>'questionId' = $1", [String(id)]);
    expect(audit.rows).toHaveLength(1);
  });

  it('does not send a question to a channel that had not got it yet once it is answered', async () => {
    const id = await ask();
    await sent(id, 'signal', '1787390203000');
    expect(await desk.decide(id, { kind: 'option', option: 2, label: 'Restart radarr' }, '+4915112345678', 'signal')).toEqual({ outcome: 'decided' });
    expect((await rows(id)).map((row) => `${row.channel}:${row.kind}:${row.status}`)).toEqual(['signal:question:sent', 'mattermost:question:cancelled', 'signal:follow-up:pending']);
  });

  it('tells a late answer that the question was withdrawn, and says so where it was asked', async () => {
    const id = await ask();
    await sent(id, 'mattermost', 'withdrawnpost0000000000000');
    await database.pool.query("UPDATE questions SET status = 'withdrawn', closed_at = now() WHERE id = $1", [id]);
    await desk.announceWithdrawn([id], '✅ #1 resolved on its own', 'nothing was run');
    expect(await desk.decide(id, { kind: 'ignore' }, 'alice', 'mattermost')).toEqual({ outcome: 'closed', status: 'withdrawn' });
    expect((await rows(id)).map((row) => `${row.channel}:${row.kind}:${row.status}`)).toEqual(['signal:question:cancelled', 'mattermost:question:sent', 'mattermost:follow-up:pending']);
  });
});
