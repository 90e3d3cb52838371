import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createQuestionDesk, type QuestionDesk } from '../../bot/chat/question-desk.ts';
import { createOutboxRepository, type OutboxRepository } from '../../bot/db/repositories/outbox.ts';
import { agentApprovalQuestion } from '../../graphs/agent-approval.ts';
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
  /** "Is this a problem?" about an incident, as the flow asks it. */
  const isThisAProblem = (incidentId: number): QuestionRequest => ({
    incidentId,
    kind: 'problem',
    title: '🔔 Issue detected',
    body: '',
    options: [{ number: 1, label: 'Yes' }],
    replyHint: '',
  });
  const rows = async (questionId: number) =>
    (
      await database.pool.query<{ id: string; channel: string; kind: string; status: string }>(
        'SELECT id, channel, kind, status FROM outbox WHERE question_id = $1 ORDER BY id',
        [questionId],
      )
    ).rows;
  /** The worker's part, without a platform: the copy on `channel` was sent and got `ref`. */
  const sent = async (questionId: number, channel: string, ref: string) => {
    const row = (await rows(questionId)).find((each) => each.channel === channel && each.kind === 'question')!;
    await outbox.markSent(Number(row.id), ref);
  };
  const newIncident = async (key: string) =>
    Number(
      (
        await database.pool.query<{ id: string }>(
          "INSERT INTO incidents (source, external_key, title) VALUES ('alertmanager', $1, 'HighMemory radarr') RETURNING id",
          [key],
        )
      ).rows[0]!.id,
    );

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
    expect((await rows(id)).map((row) => `${row.channel}:${row.kind}:${row.status}`)).toEqual([
      'signal:question:pending',
      'mattermost:question:pending',
    ]);
    expect(await desk.get(id)).toMatchObject({
      id,
      incidentId: incident,
      kind: 'solution',
      status: 'open',
      defaultOption: 1,
      options: [{ number: 1 }, { number: 2 }],
    });
  });

  it('binds a quote of any part of a question, a quote of any message of its incident, `#14`, or the only open question; anything else is ambiguous', async () => {
    await database.pool.query("UPDATE questions SET status = 'withdrawn' WHERE status = 'open'");
    const older = await ask();
    const olderRow = (await rows(older)).find((each) => each.channel === 'signal' && each.kind === 'question')!;
    // A question long enough to go out in two parts: a quote of part 2 leads back to it.
    await outbox.markSent(Number(olderRow.id), '1787390201000', ['1787390201000', '1787390201001']);
    await sent(older, 'mattermost', 'olderpost00000000000000000');
    const otherIncident = await newIncident(`group-${Math.random()}`);
    const newer = await desk.ask(isThisAProblem(otherIncident));
    await sent(newer, 'signal', '1787390209000');
    const question = (binding: Awaited<ReturnType<QuestionDesk['bind']>>) =>
      binding.kind === 'question' ? binding.question.id : binding.kind;

    expect(question(await desk.bind({ platform: 'signal', inReplyTo: '1787390201000' }))).toBe(older);
    expect(question(await desk.bind({ platform: 'signal', inReplyTo: '1787390201001' }))).toBe(older);
    expect(question(await desk.bind({ platform: 'mattermost', inReplyTo: 'olderpost00000000000000000' }))).toBe(older);
    expect(question(await desk.bind({ platform: 'signal', incident }))).toBe(older);

    // A notice of an incident stands for the incident: its open question, or "nothing open".
    const [notice] = await outbox.enqueue({
      channels: ['signal'],
      message: { kind: 'notice', title: `❌ Not fixed: #${incident}`, body: '' },
      incidentId: incident,
    });
    await outbox.markSent(notice!, '1787390205000');
    expect(question(await desk.bind({ platform: 'signal', inReplyTo: '1787390205000' }))).toBe(older);
    const quiet = await newIncident(`group-${Math.random()}`);
    const [quietNotice] = await outbox.enqueue({
      channels: ['signal'],
      message: { kind: 'notice', title: `✅ #${quiet} resolved`, body: '' },
      incidentId: quiet,
    });
    await outbox.markSent(quietNotice!, '1787390206000');
    expect(await desk.bind({ platform: 'signal', inReplyTo: '1787390206000' })).toEqual({
      kind: 'nothing open',
      incidentId: quiet,
    });
    expect(await desk.bind({ platform: 'signal', incident: quiet })).toEqual({
      kind: 'nothing open',
      incidentId: quiet,
    });

    // Two open questions and a reply that names neither (or quotes something that is not Steward's): ambiguous.
    const ambiguous = await desk.bind({ platform: 'signal' });
    expect(ambiguous.kind === 'ambiguous' && ambiguous.open.map((open) => open.incidentId).sort()).toEqual(
      [incident, otherIncident].sort(),
    );
    expect((await desk.bind({ platform: 'signal', inReplyTo: '42' })).kind).toBe('ambiguous');

    // Once only one is open, a reply that names nothing binds to it.
    await desk.decide(newer, { kind: 'option', option: 1, label: 'Yes' }, 'alice', 'signal');
    expect(question(await desk.bind({ platform: 'signal' }))).toBe(older);
    expect(await desk.bind({ platform: 'shell' })).toEqual({ kind: 'nothing open' });
  });

  it('binds an agent’s question only by a quote of it, never by a reply that names nothing; on a terminal, once alone on it for 30 s', async () => {
    await database.pool.query("UPDATE questions SET status = 'withdrawn' WHERE status = 'open'");
    const agentAsks = (on: QuestionDesk) =>
      on.ask(
        agentApprovalQuestion({
          agent: 'deploy-bot',
          title: 'roll out web 2.4.1',
          action: 'deploy web 2.4.1',
          options: ['Approve', 'Reject'],
        }),
      );
    const boundTo = (binding: Awaited<ReturnType<QuestionDesk['bind']>>) =>
      binding.kind === 'question' || binding.kind === 'quote it'
        ? `${binding.kind} ${binding.question.id}`
        : binding.kind;
    const shownAgo = (questionId: number, channel: string, seconds: number) =>
      database.pool.query(
        `UPDATE outbox SET sent_at = now() - make_interval(secs => $3) WHERE question_id = $1 AND channel = $2`,
        [questionId, channel, seconds],
      );

    const agents = await agentAsks(desk);
    await sent(agents, 'signal', '1787390301000');
    // A `1` typed for something else, as the agent's question lands (or once the owner's own question
    // was withdrawn), must not approve it; nor a 👍 or a quote of a message that is not this question.
    expect(boundTo(await desk.bind({ platform: 'signal' }))).toBe(`quote it ${agents}`);
    expect(boundTo(await desk.bind({ platform: 'signal', inReplyTo: '42' }))).toBe(`quote it ${agents}`);
    await shownAgo(agents, 'signal', 3600);
    expect(boundTo(await desk.bind({ platform: 'signal' }))).toBe(`quote it ${agents}`);
    expect(boundTo(await desk.bind({ platform: 'signal', inReplyTo: '1787390301000' }))).toBe(`question ${agents}`);

    // A terminal cannot quote: there the agent's question is answered once it has been shown for 30 s.
    await database.pool.query("UPDATE questions SET status = 'withdrawn' WHERE status = 'open'");
    const terminal = createQuestionDesk({ pool: database.pool, channels: ['shell'] });
    const onTerminal = await agentAsks(terminal);
    expect(boundTo(await terminal.bind({ platform: 'shell' }))).toBe(`quote it ${onTerminal}`);
    await sent(onTerminal, 'shell', 'shell-1');
    expect(boundTo(await terminal.bind({ platform: 'shell' }))).toBe(`quote it ${onTerminal}`);
    await shownAgo(onTerminal, 'shell', 31);
    expect(boundTo(await terminal.bind({ platform: 'shell' }))).toBe(`question ${onTerminal}`);
    // The owner's own question closed a moment ago (withdrawn, or answered elsewhere) as they typed
    // `1` for it: that `1` must not fall to the agent's question, which has been alone for no time.
    const owners = await terminal.ask(isThisAProblem(incident));
    await sent(owners, 'shell', 'shell-2');
    await database.pool.query("UPDATE questions SET status = 'withdrawn', closed_at = now() WHERE id = $1", [owners]);
    expect(boundTo(await terminal.bind({ platform: 'shell' }))).toBe(`quote it ${onTerminal}`);
    await database.pool.query("UPDATE questions SET closed_at = now() - interval '31 seconds' WHERE id = $1", [owners]);
    expect(boundTo(await terminal.bind({ platform: 'shell' }))).toBe(`question ${onTerminal}`);
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
    const winner =
      bySignal.outcome === 'decided'
        ? { actor: '+4915112345678', channel: 'signal' }
        : { actor: 'alice', channel: 'mattermost' };
    expect(loser).toMatchObject({ outcome: 'already answered', ...winner });

    const decisions = await database.pool.query('SELECT actor, channel FROM decisions WHERE question_id = $1', [id]);
    expect(decisions.rows).toEqual([winner]);
    expect((await desk.get(id))?.status).toBe('answered');
    const followUps = (await rows(id)).filter((row) => row.kind === 'follow-up');
    expect(followUps.map((row) => row.channel).sort()).toEqual(['mattermost', 'signal']);
    const payload = await database.pool.query<{ payload: { title: string } }>(
      "SELECT payload FROM outbox WHERE question_id = $1 AND kind = 'follow-up' LIMIT 1",
      [id],
    );
    expect(payload.rows[0]!.payload.title).toBe(
      `✔ #${incident}: ${winner.channel === 'signal' ? '1. Increase memory 1GB → 2GB' : 'ignore'}`,
    );
    expect((payload.rows[0]!.payload as { body?: string }).body).toBe(
      `Answered by ${winner.actor} via ${winner.channel}`,
    );
    const audit = await database.pool.query(
      "SELECT actor, channel, outcome FROM audit_log WHERE action = 'question.answer' AND details->>'questionId' = $1",
      [String(id)],
    );
    expect(audit.rows).toHaveLength(1);
  });

  it('does not send a question to a channel that had not got it yet once it is answered', async () => {
    const id = await ask();
    await sent(id, 'signal', '1787390203000');
    expect(
      await desk.decide(id, { kind: 'option', option: 2, label: 'Restart radarr' }, '+4915112345678', 'signal'),
    ).toEqual({ outcome: 'decided' });
    expect((await rows(id)).map((row) => `${row.channel}:${row.kind}:${row.status}`)).toEqual([
      'signal:question:sent',
      'mattermost:question:cancelled',
      'signal:follow-up:pending',
    ]);
  });

  it('tells a late answer that the question was withdrawn, and says so where it was asked', async () => {
    const id = await ask();
    await sent(id, 'mattermost', 'withdrawnpost0000000000000');
    await database.pool.query("UPDATE questions SET status = 'withdrawn', closed_at = now() WHERE id = $1", [id]);
    await desk.announceWithdrawn([id], '✅ #1 resolved on its own', 'nothing was run');
    expect(await desk.decide(id, { kind: 'ignore' }, 'alice', 'mattermost')).toEqual({
      outcome: 'closed',
      status: 'withdrawn',
    });
    expect((await rows(id)).map((row) => `${row.channel}:${row.kind}:${row.status}`)).toEqual([
      'signal:question:cancelled',
      'mattermost:question:sent',
      'mattermost:follow-up:pending',
    ]);
  });
});
