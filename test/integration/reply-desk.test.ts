import { beforeEach, describe, expect, it } from 'vitest';
import { createAnswerQuestion } from '../../bot/chat/answer-question.ts';
import { createApproverCheck } from '../../bot/chat/approvers.ts';
import { createInboundRouter } from '../../bot/chat/inbound-router.ts';
import { createQuestionDesk, type QuestionDesk } from '../../bot/chat/question-desk.ts';
import { createReplyDesk } from '../../bot/chat/reply-desk.ts';
import { createPostgresCoordination } from '../../bot/coordination/index.ts';
import { createAuditLog } from '../../bot/db/repositories/audit-log.ts';
import { createOutboxRepository } from '../../bot/db/repositories/outbox.ts';
import type { InboundReply } from '../../graphs/chat-port.ts';
import { solutionsFound } from '../../graphs/messages.ts';
import type { Decision } from '../../graphs/questions.ts';
import { useMigratedDatabase } from '../helpers/databases.ts';
import { silentLogger } from '../helpers/silent-logger.ts';

const OWNER = '+4915112345678';
let message = 0;

describe('replies acted on: bound to their question, checked, decided, and explained when they cannot be', () => {
  const database = useMigratedDatabase();
  let desk: QuestionDesk;
  let decisions: Decision[];
  let router: ReturnType<typeof createInboundRouter>;

  const reply = (text: string, extra: Partial<InboundReply> = {}) => {
    message += 1;
    return router.handle({
      platform: 'signal',
      conversation: OWNER,
      sender: OWNER,
      senderName: 'Alice Ops',
      text,
      externalId: `m${message}`,
      ...extra,
    });
  };
  const said = async () =>
    (
      await database.pool.query<{ payload: { title: string; body: string } }>(
        "SELECT payload FROM outbox WHERE kind = 'notice' ORDER BY id",
      )
    ).rows.map((row) => `${row.payload.title} | ${row.payload.body}`);
  const incident = async (title: string) => {
    const id = Number(
      (
        await database.pool.query<{ id: string }>(
          "INSERT INTO incidents (source, external_key, title) VALUES ('alertmanager', $1, $1) RETURNING id",
          [`${title}-${Math.random()}`],
        )
      ).rows[0]!.id,
    );
    await database.pool.query(
      `INSERT INTO alerts (incident_id, fingerprint, alertname, status, labels, annotations, starts_at)
       VALUES ($1, 'f1', 'HighMemory', 'firing', '{"pod":"radarr-0","severity":"warning"}', '{"summary":"radarr-0 uses 95% of its memory limit"}', '2026-11-23T09:00:00Z')`,
      [id],
    );
    return id;
  };
  /** Asks, and marks the Signal copy sent as `ref`. */
  const ask = async (incidentId: number, ref: string, defaultOption?: number) => {
    const id = await desk.ask(
      solutionsFound(
        { id: incidentId, title: 'HighMemory radarr', diagnosis: '95%' },
        [{ label: 'Increase memory' }, { label: 'Restart radarr' }],
        defaultOption,
      ),
    );
    await database.pool.query(
      "UPDATE outbox SET status = 'sent', platform_ref = $2 WHERE question_id = $1 AND kind = 'question'",
      [id, ref],
    );
    return id;
  };

  beforeEach(async () => {
    await database.pool.query('DELETE FROM outbox');
    await database.pool.query('DELETE FROM questions');
    decisions = [];
    const outbox = createOutboxRepository(database.pool);
    desk = createQuestionDesk({ pool: database.pool, channels: ['signal'] });
    router = createInboundRouter({
      db: database.pool,
      outbox,
      coordination: createPostgresCoordination(database.pool),
      audit: createAuditLog(database.pool),
      logger: silentLogger(),
      approvers: { signal: [OWNER] },
      handler: createReplyDesk({
        db: database.pool,
        desk,
        outbox,
        answer: createAnswerQuestion({
          desk,
          isApprover: createApproverCheck({ signal: [OWNER] }),
          decisions: { onDecision: (decision) => Promise.resolve(void decisions.push(decision)) },
        }),
      }),
    });
  });

  it('takes a 👍 on a question with one default action as approving it', async () => {
    const id = await incident('a');
    const question = await ask(id, '1787390300000', 1);
    expect(await reply('👍', { reaction: true, inReplyTo: '1787390300000' })).toBe('handled');
    expect(decisions).toEqual([
      {
        questionId: question,
        incidentId: id,
        questionKind: 'solution',
        answer: { kind: 'option', option: 1, label: 'Increase memory' },
        actor: OWNER,
        channel: 'signal',
      },
    ]);
  });

  it('lets a 👍 pass silently where there is no default action', async () => {
    const id = await incident('b');
    await ask(id, '1787390300001');
    await reply('👍', { reaction: true, inReplyTo: '1787390300001' });
    expect(decisions).toEqual([]);
    expect(await said()).toEqual([]);
  });

  it('explains an option that does not exist, and takes nothing', async () => {
    const id = await incident('c');
    await ask(id, '1787390300002');
    await reply('option 5');
    expect(decisions).toEqual([]);
    expect(await said()).toEqual([`#${id}: not taken | There is no option 5 (options: 1–2).`]);
  });

  it('says when there is nothing to answer', async () => {
    await reply('1');
    await reply('2 #999');
    expect(await said()).toEqual([
      'Nothing to answer | There is no open question. Reply "status" to see what is going on.',
      'Nothing to answer | #999 has nothing open; nothing was done.',
    ]);
  });

  it('decides nothing for an answer that names no incident while two wait, and takes `N #id` or a quote', async () => {
    const first = await incident('d');
    const second = await incident('e');
    await ask(first, '1787390300003');
    await ask(second, '1787390300004');
    await reply('2');
    expect(decisions).toEqual([]);
    expect(await said()).toEqual([
      `Which incident? | 2 questions are open: #${first} 📋 Solutions found: #${first} HighMemory radarr; #${second} 📋 Solutions found: #${second} HighMemory radarr.\nReply "2 #${first}" or quote its question. Nothing was done.`,
    ]);
    await reply(`1 #${first}`);
    await reply('2', { inReplyTo: '1787390300004' });
    expect(
      decisions.map((decision) => [
        decision.incidentId,
        decision.answer.kind === 'option' ? decision.answer.option : undefined,
      ]),
    ).toEqual([
      [first, 1],
      [second, 2],
    ]);
  });

  it('gives details of the incident a question is about', async () => {
    const id = await incident('f');
    await ask(id, '1787390300005');
    await reply('details');
    const [details, ...more] = await said();
    expect(more).toEqual([]);
    expect(details).toContain(`🔎 #${id} `);
    expect(details).toContain(
      '(open, 1 firing) | • HighMemory on radarr-0 [warning]: radarr-0 uses 95% of its memory limit, since 2026-11-23 09:00 UTC',
    );
    expect(details).toMatch(/Reported by alertmanager 0 time\(s\) since \d{4}-\d\d-\d\d \d\d:\d\d UTC/);

    await database.pool.query(
      "INSERT INTO events (source, kind, subject, occurred_at) VALUES ('coroot', 'deployment', 'radarr', now() - interval '10 minutes')",
    );
    await database.pool.query(
      "INSERT INTO actions (incident_id, tool, trigger, status, result) VALUES ($1, 'restart_pod', 'approved', 'succeeded', '{\"output\": \"pod radarr-0 deleted\"}')",
      [id],
    );
    await reply('details');
    const [, again] = await said();
    expect(again).toContain('Deployed shortly before: radarr at ');
    expect(again).toMatch(/Ran restart_pod at .*: succeeded — pod radarr-0 deleted/);
  });
});
