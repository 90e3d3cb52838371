import { inert } from '../../graphs/inert-text.ts';
import { describeAnswer, questionMessage, type Answer, type Question, type QuestionRequest } from '../../graphs/questions.ts';
import { actionDigest } from '../../graphs/tool-call.ts';
import { inTransaction, type Pool, type PoolClient, type Queryable } from '../db/pool.ts';
import { createAuditLog } from '../db/repositories/audit-log.ts';
import { createOutboxRepository } from '../outbox/outbox-repository.ts';
import { createReplyBinding, type BindTarget, type Binding } from './reply-binding.ts';

export type DecideResult =
  | { outcome: 'decided' }
  | { outcome: 'already answered'; actor: string; actorName: string; channel: string; answer: Answer }
  | { outcome: 'closed'; status: Question['status'] };

export interface QuestionDeskOptions {
  pool: Pool;
  /** Every configured chat platform: each question goes to all of them. */
  channels: readonly string[];
  /** Called after messages were queued, so the outbox sends them now. */
  wake?: () => void;
  /** A question not answered in this time expires (default 24 h). */
  ttlMs?: number;
}

interface QuestionRow {
  id: string;
  incident_id: string | null;
  kind: string;
  title: string;
  prompt: string;
  options: Question['options'];
  reply_hint: string;
  default_option: number | null;
  status: Question['status'];
  created_at: Date;
}

const DAY_MS = 86_400_000;

const COLUMNS = 'q.id, q.incident_id, q.kind, q.title, q.prompt, q.options, q.reply_hint, q.default_option, q.status, q.created_at';

/**
 * Questions across every chat channel: asked once on each, bound to the replies that answer them,
 * decided by the first valid answer (the decisions row is the claim), and followed up on every
 * channel with who answered and how, or with why the question no longer stands.
 */
export function createQuestionDesk(options: QuestionDeskOptions) {
  const { pool } = options;
  const outboxOn = (db: Queryable) => createOutboxRepository(db);
  const binding = createReplyBinding(pool, (id) => get(pool, id));

  async function get(db: Queryable, id: number, lock = false): Promise<Question | undefined> {
    const result = await db.query<QuestionRow>(`SELECT ${COLUMNS} FROM questions q WHERE q.id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return result.rows[0] ? toQuestion(result.rows[0]) : undefined;
  }

  /** Follows a question up on every channel it went to; copies not yet sent are cancelled instead. */
  async function followUpEverywhere(client: PoolClient, question: Question, title: string, body: string): Promise<void> {
    const outbox = outboxOn(client);
    await outbox.cancelUnsentQuestion(question.id);
    const channels = await client.query<{ channel: string }>("SELECT DISTINCT channel FROM outbox WHERE question_id = $1 AND kind = 'question' AND status <> 'cancelled'", [question.id]);
    await outbox.enqueue({
      channels: channels.rows.map((row) => row.channel),
      message: { kind: 'follow-up', questionId: String(question.id), original: questionMessage(question), title, body },
      dedupKey: `question:${question.id}:follow-up`,
      questionId: question.id,
      ...(question.incidentId !== undefined ? { incidentId: question.incidentId } : {}),
    });
  }

  return {
    /** Asks on every channel; the same `askKey` for the same incident asks once. Returns the question id. */
    async ask(request: QuestionRequest): Promise<number> {
      const id = await inTransaction(pool, async (client) => {
        const inserted = await client.query<{ id: string }>(
          `INSERT INTO questions (incident_id, interrupt_id, kind, title, prompt, options, reply_hint, default_option, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(secs => $9::double precision / 1000)) ON CONFLICT (incident_id, interrupt_id) WHERE interrupt_id IS NOT NULL DO NOTHING RETURNING id`,
          [request.incidentId ?? null, request.askKey ?? null, request.kind, request.title, request.body, JSON.stringify(request.options), request.replyHint, request.defaultOption ?? null, options.ttlMs ?? DAY_MS],
        );
        if (!inserted.rows[0]) {
          const existing = await client.query<{ id: string }>('SELECT id FROM questions WHERE incident_id IS NOT DISTINCT FROM $1 AND interrupt_id = $2', [request.incidentId ?? null, request.askKey]);
          return Number(existing.rows[0]!.id);
        }
        const questionId = Number(inserted.rows[0].id);
        const question = (await get(client, questionId))!;
        await outboxOn(client).enqueue({
          channels: options.channels,
          message: questionMessage(question),
          dedupKey: `question:${questionId}`,
          questionId,
          ...(request.incidentId !== undefined ? { incidentId: request.incidentId } : {}),
        });
        return questionId;
      });
      options.wake?.();
      return id;
    },

    get: (id: number) => get(pool, id),

    /** Which question a reply answers, only when that is unambiguous (see reply-binding.ts). */
    bind: (target: BindTarget): Promise<Binding> => binding.bind(target),

    /**
     * Records the answer if it is the first for an open question, audits it, and follows the question
     * up everywhere. A later answer learns who answered first; nothing else changes.
     */
    async decide(questionId: number, answer: Answer, actor: string, channel: string, actorName = actor): Promise<DecideResult> {
      const result = await inTransaction(pool, async (client): Promise<DecideResult> => {
        const question = await get(client, questionId, true);
        if (!question) return { outcome: 'closed', status: 'withdrawn' };
        if (question.status !== 'open') {
          const earlier = await client.query<{ actor: string; actor_name: string | null; channel: string; answer: Answer }>('SELECT actor, actor_name, channel, answer FROM decisions WHERE question_id = $1', [questionId]);
          const first = earlier.rows[0];
          if (!first) return { outcome: 'closed', status: question.status };
          return { outcome: 'already answered', actor: first.actor, actorName: first.actor_name ?? first.actor, channel: first.channel, answer: first.answer };
        }
        // What the chosen option showed, digested: the runner runs nothing else for this decision.
        const shown = answer.kind === 'option' ? question.options.find((option) => option.number === answer.option)?.calls : undefined;
        const digest = shown && shown.length > 0 ? actionDigest(shown) : null;
        await client.query('INSERT INTO decisions (question_id, answer, actor, actor_name, channel, action_digest) VALUES ($1, $2, $3, $4, $5, $6)', [questionId, answer, actor, actorName, channel, digest]);
        await client.query("UPDATE questions SET status = 'answered', closed_at = now() WHERE id = $1", [questionId]);
        await createAuditLog(client).record({
          actor,
          channel,
          action: 'question.answer',
          subject: question.incidentId !== undefined ? `incident:${question.incidentId}` : `question:${questionId}`,
          outcome: describeAnswer(answer),
          details: { questionId, kind: question.kind, ...(actorName !== actor ? { name: actorName } : {}), ...(digest ? { actionDigest: digest } : {}) },
        });
        await followUpEverywhere(client, question, `✔ ${questionSubject(question)}: ${describeAnswer(answer)}`, `Answered by ${inert(actorName, 80)} via ${channel}`);
        return { outcome: 'decided' };
      });
      options.wake?.();
      return result;
    },

    /**
     * Says on every channel why questions no longer stand (intake already marked them withdrawn in
     * its own transaction, e.g. "resolved on its own").
     */
    async announceWithdrawn(questionIds: readonly number[], title: string, body: string): Promise<void> {
      for (const id of questionIds) {
        await inTransaction(pool, async (client) => {
          const question = await get(client, id, true);
          if (question) await followUpEverywhere(client, question, title, body);
        });
      }
      if (questionIds.length > 0) options.wake?.();
    },

    /**
     * Questions nobody answered in time: marked expired (one replica wins each, by the UPDATE) and
     * followed up everywhere; nothing runs. Returns them, for the flow to end its wait.
     */
    async expire(): Promise<{ questionId: number; incidentId: number | undefined }[]> {
      const expired = await pool.query<{ id: string; incident_id: string | null }>(
        "UPDATE questions SET status = 'expired', closed_at = now() WHERE status = 'open' AND expires_at <= now() RETURNING id, incident_id",
      );
      for (const row of expired.rows) {
        await inTransaction(pool, async (client) => {
          const question = await get(client, Number(row.id), true);
          if (question) await followUpEverywhere(client, question, `⌛ ${questionSubject(question)} expired`, 'Nobody answered in time; nothing was run.');
        });
      }
      if (expired.rows.length > 0) options.wake?.();
      return expired.rows.map((row) => ({ questionId: Number(row.id), incidentId: row.incident_id === null ? undefined : Number(row.incident_id) }));
    },

    /** Open questions, newest first, for `status`. */
    async listOpen(): Promise<Question[]> {
      const result = await pool.query<QuestionRow>(`SELECT ${COLUMNS} FROM questions q WHERE q.status = 'open' ORDER BY q.created_at DESC, q.id DESC`);
      return result.rows.map(toQuestion);
    },
  };
}

export type QuestionDesk = ReturnType<typeof createQuestionDesk>;

/** How a question is named in acknowledgements: its incident (`#12`), else its title. */
export function questionSubject(question: Pick<Question, 'incidentId' | 'title'>): string {
  return question.incidentId !== undefined ? `#${question.incidentId}` : `“${inert(question.title, 80)}”`;
}

function toQuestion(row: QuestionRow): Question {
  return {
    id: Number(row.id),
    incidentId: row.incident_id === null ? undefined : Number(row.incident_id),
    kind: row.kind,
    title: row.title,
    body: row.prompt,
    options: row.options,
    replyHint: row.reply_hint,
    defaultOption: row.default_option ?? undefined,
    status: row.status,
    createdAt: row.created_at,
  };
}

