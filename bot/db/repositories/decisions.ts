import type { ChatOption } from '../../../graphs/chat-port.ts';
import type { Answer } from '../../../graphs/questions.ts';
import type { Queryable } from '../pool.ts';

/** The first (and only) answer to a question. */
export interface DecisionRow {
  answer: Answer;
  actor: string;
  actorName: string;
  channel: string;
  /** The digest of the calls the chosen option showed, when it showed any. */
  actionDigest: string | null;
}

/**
 * The `decisions` table: one row per answered question, the claim that makes the first answer the
 * decision (its primary key is the question). Written inside the question desk's transaction, and by
 * Steward itself for a promoted runbook.
 */
export function createDecisionRepository(db: Queryable) {
  return {
    /** Records the decision; throws on a second one for the same question (the caller holds the question's lock). */
    async record(decision: {
      questionId: number;
      answer: Answer;
      actor: string;
      actorName: string;
      channel: string;
      actionDigest: string | null;
    }): Promise<void> {
      await db.query(
        'INSERT INTO decisions (question_id, answer, actor, actor_name, channel, action_digest) VALUES ($1, $2, $3, $4, $5, $6)',
        [
          decision.questionId,
          decision.answer,
          decision.actor,
          decision.actorName,
          decision.channel,
          decision.actionDigest,
        ],
      );
    },

    /** Steward's own decision (a promoted runbook); false when the question was decided already. */
    async recordAutomatic(decision: {
      questionId: number;
      answer: Answer;
      actorName: string;
      actionDigest: string;
    }): Promise<boolean> {
      const result = await db.query(
        "INSERT INTO decisions (question_id, answer, actor, actor_name, channel, action_digest) VALUES ($1, $2, 'steward', $3, 'autonomy', $4) ON CONFLICT DO NOTHING RETURNING 1",
        [decision.questionId, decision.answer, decision.actorName, decision.actionDigest],
      );
      return result.rowCount === 1;
    },

    async forQuestion(questionId: number): Promise<DecisionRow | undefined> {
      const result = await db.query<{
        answer: Answer;
        actor: string;
        actor_name: string | null;
        channel: string;
        action_digest: string | null;
      }>('SELECT answer, actor, actor_name, channel, action_digest FROM decisions WHERE question_id = $1', [
        questionId,
      ]);
      const row = result.rows[0];
      return row
        ? {
            answer: row.answer,
            actor: row.actor,
            actorName: row.actor_name ?? row.actor,
            channel: row.channel,
            actionDigest: row.action_digest,
          }
        : undefined;
    },

    /** The decision with the options its question showed: what the runner checks calls against. */
    async withShownOptions(questionId: number): Promise<(DecisionRow & { options: ChatOption[] }) | undefined> {
      const result = await db.query<{
        answer: Answer;
        actor: string;
        actor_name: string | null;
        channel: string;
        action_digest: string | null;
        options: ChatOption[];
      }>(
        'SELECT d.answer, d.actor, d.actor_name, d.channel, d.action_digest, q.options FROM decisions d JOIN questions q ON q.id = d.question_id WHERE d.question_id = $1',
        [questionId],
      );
      const row = result.rows[0];
      return row
        ? {
            answer: row.answer,
            actor: row.actor,
            actorName: row.actor_name ?? row.actor,
            channel: row.channel,
            actionDigest: row.action_digest,
            options: row.options,
          }
        : undefined;
    },

    /** How long a person took to answer a question (Steward's own decisions are not counted). */
    async latency(questionId: number): Promise<{ kind: string; seconds: number } | undefined> {
      const result = await db.query<{ kind: string; seconds: string }>(
        `SELECT q.kind, extract(epoch FROM d.decided_at - q.created_at) AS seconds
         FROM decisions d JOIN questions q ON q.id = d.question_id WHERE d.question_id = $1 AND d.actor <> 'steward'`,
        [questionId],
      );
      const row = result.rows[0];
      return row ? { kind: row.kind, seconds: Number(row.seconds) } : undefined;
    },

    /** A report's figures for decisions made in [from, to): declined ones, and the average time to answer. */
    async between(
      from: Date,
      to: Date,
    ): Promise<{ declined: number; answered: number; averageSeconds: number | null }> {
      const declined = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM decisions WHERE decided_at >= $1 AND decided_at < $2
           AND (answer->>'kind' = 'ignore' OR answer->>'label' IN ('No, expected', 'Ignore'))`,
        [from, to],
      );
      const approval = await db.query<{ seconds: number | null; n: number }>(
        `SELECT avg(extract(epoch FROM d.decided_at - q.created_at))::float AS seconds, count(*)::int AS n
         FROM decisions d JOIN questions q ON q.id = d.question_id
         WHERE d.actor <> 'steward' AND d.decided_at >= $1 AND d.decided_at < $2`,
        [from, to],
      );
      return {
        declined: declined.rows[0]!.n,
        answered: approval.rows[0]!.n,
        averageSeconds: approval.rows[0]!.seconds,
      };
    },
  };
}

export type DecisionRepository = ReturnType<typeof createDecisionRepository>;
