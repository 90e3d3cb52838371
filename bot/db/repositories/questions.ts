import type { ChatOption } from '../../../graphs/chat-port.ts';
import type { Question, QuestionRequest } from '../../../graphs/questions.ts';
import type { Queryable } from '../pool.ts';

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

const COLUMNS =
  'q.id, q.incident_id, q.kind, q.title, q.prompt, q.options, q.reply_hint, q.default_option, q.status, q.created_at';

/** An open question as lists show it. */
export interface OpenQuestionSummary {
  id: number;
  incidentId: number | undefined;
  title: string;
  createdAt: Date;
}

/**
 * The `questions` table: what Steward asked, with the options it showed (and the calls each runs), and
 * what became of it (open, answered, expired, withdrawn). The question desk (bot/chat/question-desk.ts)
 * is its main user; every statement on the table is here.
 */
export function createQuestionRepository(db: Queryable) {
  async function ids(text: string, values: unknown[]): Promise<number[]> {
    return (await db.query<{ id: string }>(text, values)).rows.map((row) => Number(row.id));
  }

  async function idOfAskKey(incidentId: number | undefined, askKey: string): Promise<number | undefined> {
    const existing = await db.query<{ id: string }>(
      'SELECT id FROM questions WHERE incident_id IS NOT DISTINCT FROM $1 AND interrupt_id = $2',
      [incidentId ?? null, askKey],
    );
    return existing.rows[0] ? Number(existing.rows[0].id) : undefined;
  }

  return {
    /** A new open question, or undefined when the same (incident, ask key) was asked before. */
    async insertAsked(request: QuestionRequest, ttlMs: number): Promise<number | undefined> {
      const inserted = await db.query<{ id: string }>(
        `INSERT INTO questions (incident_id, interrupt_id, kind, title, prompt, options, reply_hint, default_option, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(secs => $9::double precision / 1000)) ON CONFLICT (incident_id, interrupt_id) WHERE interrupt_id IS NOT NULL DO NOTHING RETURNING id`,
        [
          request.incidentId ?? null,
          request.askKey ?? null,
          request.kind,
          request.title,
          request.body,
          JSON.stringify(request.options),
          request.replyHint,
          request.defaultOption ?? null,
          ttlMs,
        ],
      );
      return inserted.rows[0] ? Number(inserted.rows[0].id) : undefined;
    },

    /** A question Steward asked and decided at once (a promoted runbook): recorded like the others, answered. */
    async insertAnswered(question: {
      incidentId: number;
      askKey: string;
      title: string;
      options: readonly ChatOption[];
    }): Promise<number> {
      await db.query(
        `INSERT INTO questions (incident_id, interrupt_id, kind, title, prompt, options, status, closed_at)
         VALUES ($1, $2, 'solution', $3, '', $4, 'answered', now()) ON CONFLICT (incident_id, interrupt_id) WHERE interrupt_id IS NOT NULL DO NOTHING`,
        [question.incidentId, question.askKey, question.title, JSON.stringify(question.options)],
      );
      return (await idOfAskKey(question.incidentId, question.askKey))!;
    },

    /** The question asked with this key for this incident, if any. */
    idOfAskKey,

    /** `lock`: FOR UPDATE, inside the transaction that decides it. */
    async get(id: number, lock = false): Promise<Question | undefined> {
      const result = await db.query<QuestionRow>(
        `SELECT ${COLUMNS} FROM questions q WHERE q.id = $1${lock ? ' FOR UPDATE' : ''}`,
        [id],
      );
      return result.rows[0] ? toQuestion(result.rows[0]) : undefined;
    },

    async markAnswered(id: number): Promise<void> {
      await db.query("UPDATE questions SET status = 'answered', closed_at = now() WHERE id = $1", [id]);
    },

    /** Open questions past their time become expired (one replica wins each); returns them. */
    async expireDue(): Promise<{ questionId: number; incidentId: number | undefined }[]> {
      const expired = await db.query<{ id: string; incident_id: string | null }>(
        "UPDATE questions SET status = 'expired', closed_at = now() WHERE status = 'open' AND expires_at <= now() RETURNING id, incident_id",
      );
      return expired.rows.map((row) => ({
        questionId: Number(row.id),
        incidentId: row.incident_id === null ? undefined : Number(row.incident_id),
      }));
    },

    /** An incident's open questions withdrawn (it resolved); "Next time?" stays. Returns their ids. */
    async withdrawOpenOfIncident(incidentId: number): Promise<number[]> {
      return ids(
        "UPDATE questions SET status = 'withdrawn', closed_at = now() WHERE incident_id = $1 AND status = 'open' AND kind <> 'autonomy' RETURNING id",
        [incidentId],
      );
    },

    /** One open question withdrawn; false when it was no longer open. */
    async withdraw(id: number): Promise<boolean> {
      return (
        (
          await ids(
            "UPDATE questions SET status = 'withdrawn', closed_at = now() WHERE id = $1 AND status = 'open' RETURNING id",
            [id],
          )
        ).length === 1
      );
    },

    /** Every open question, newest first. */
    async listOpen(): Promise<Question[]> {
      const result = await db.query<QuestionRow>(
        `SELECT ${COLUMNS} FROM questions q WHERE q.status = 'open' ORDER BY q.created_at DESC, q.id DESC`,
      );
      return result.rows.map(toQuestion);
    },

    /** The oldest open questions, for `status`. */
    async oldestOpen(limit: number): Promise<OpenQuestionSummary[]> {
      const result = await db.query<{ id: string; incident_id: string | null; title: string; created_at: Date }>(
        "SELECT id, incident_id, title, created_at FROM questions WHERE status = 'open' ORDER BY created_at LIMIT $1",
        [limit],
      );
      return result.rows.map((row) => ({
        id: Number(row.id),
        incidentId: row.incident_id === null ? undefined : Number(row.incident_id),
        title: row.title,
        createdAt: row.created_at,
      }));
    },

    async openCount(): Promise<number> {
      const result = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM questions WHERE status = 'open'");
      return result.rows[0]!.n;
    },

    /** The latest open question of each incident named. */
    async latestOpenOfIncidents(incidentIds: readonly number[]): Promise<number[]> {
      return ids(
        "SELECT DISTINCT ON (incident_id) id FROM questions WHERE status = 'open' AND incident_id = ANY($1::bigint[]) ORDER BY incident_id, created_at DESC, id DESC",
        [incidentIds],
      );
    },

    /** The open questions whose copy went to a platform, newest first. */
    async openOnPlatform(platform: string): Promise<number[]> {
      return ids(
        `SELECT q.id FROM questions q WHERE q.status = 'open'
           AND EXISTS (SELECT 1 FROM outbox o WHERE o.question_id = q.id AND o.channel = $1 AND o.kind = 'question')
         ORDER BY q.created_at DESC, q.id DESC`,
        [platform],
      );
    },

    /**
     * How long the question has been the one open question shown on a platform, in ms, by the
     * database's clock: since it was sent there, or since another question there closed, whichever
     * came later. Undefined until a copy was sent there.
     */
    async aloneOnPlatformFor(questionId: number, platform: string): Promise<number | undefined> {
      const result = await db.query<{ ms: number | null }>(
        `WITH shown AS (
           SELECT max(sent_at) AS at FROM outbox
           WHERE question_id = $1 AND channel = $2 AND kind = 'question' AND status = 'sent'),
         others_closed AS (
           SELECT max(q.closed_at) AS at FROM questions q
           WHERE q.id <> $1 AND EXISTS (
             SELECT 1 FROM outbox o WHERE o.question_id = q.id AND o.channel = $2 AND o.kind = 'question'))
         SELECT CASE WHEN shown.at IS NULL THEN NULL
           ELSE (extract(epoch FROM now() - greatest(shown.at, others_closed.at)) * 1000)::float8 END AS ms
         FROM shown, others_closed`,
        [questionId, platform],
      );
      return result.rows[0]?.ms ?? undefined;
    },

    /** Questions as "Which incident?" lists them. */
    async summaries(
      questionIds: readonly number[],
    ): Promise<{ questionId: number; incidentId: number | undefined; title: string }[]> {
      const result = await db.query<{ id: string; incident_id: string | null; title: string }>(
        'SELECT id, incident_id, title FROM questions WHERE id = ANY($1::bigint[]) ORDER BY incident_id NULLS LAST, id',
        [questionIds],
      );
      return result.rows.map((row) => ({
        questionId: Number(row.id),
        incidentId: row.incident_id === null ? undefined : Number(row.incident_id),
        title: row.title,
      }));
    },

    /** The options of an incident's latest open question, for `details`. */
    async openOptionsOfIncident(incidentId: number): Promise<ChatOption[] | undefined> {
      const result = await db.query<{ options: ChatOption[] }>(
        "SELECT options FROM questions WHERE incident_id = $1 AND status = 'open' ORDER BY id DESC LIMIT 1",
        [incidentId],
      );
      return result.rows[0]?.options;
    },
  };
}

export type QuestionRepository = ReturnType<typeof createQuestionRepository>;

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
