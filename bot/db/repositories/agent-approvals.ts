import type { ChatOption } from '../../../graphs/chat-port.ts';
import type { Answer, Question } from '../../../graphs/questions.ts';
import type { Queryable } from '../pool.ts';

/** An agent's approval with its question and, once decided, the decision: all read in one statement. */
export interface AgentApprovalRow {
  id: number;
  agent: string;
  action: string;
  details: Record<string, unknown> | null;
  options: ChatOption[];
  questionStatus: Question['status'];
  requestedAt: Date;
  closedAt: Date | null;
  decision: { answer: Answer; actorName: string; channel: string; decidedAt: Date } | undefined;
}

interface Row {
  id: string;
  agent: string;
  action: string;
  details: Record<string, unknown> | null;
  options: ChatOption[];
  status: Question['status'];
  requested_at: Date;
  closed_at: Date | null;
  answer: Answer | null;
  actor: string | null;
  actor_name: string | null;
  channel: string | null;
  decided_at: Date | null;
}

/**
 * The `agent_approvals` table: what an agent sent when it asked over MCP (bot/mcp-server/). The
 * question itself, its decision and its expiry stay in `questions` and `decisions`, where every
 * other question's are; this table only adds the agent's own words, and reads the three together.
 */
export function createAgentApprovalRepository(db: Queryable) {
  return {
    /** Inside the transaction that asks the question, so that no question goes out without its row. */
    async insert(approval: {
      questionId: number;
      agent: string;
      action: string;
      details: Record<string, unknown> | undefined;
    }): Promise<void> {
      await db.query('INSERT INTO agent_approvals (question_id, agent, action, details) VALUES ($1, $2, $3, $4)', [
        approval.questionId,
        approval.agent,
        approval.action,
        approval.details === undefined ? null : JSON.stringify(approval.details),
      ]);
    },

    /**
     * Agents' approvals that count against the cap: those still waiting for the owner, and those asked
     * in the last `recentSeconds` however they ended, so that a short ttl cannot recycle the cap into a
     * flood of questions. Run inside the asking transaction after `lockForAsking`, the count and the
     * insert that follows cannot interleave with another request's.
     */
    async countAgainstCap(recentSeconds: number): Promise<number> {
      const result = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM agent_approvals a JOIN questions q ON q.id = a.question_id
         WHERE q.status = 'open' OR a.requested_at > now() - make_interval(secs => $1)`,
        [recentSeconds],
      );
      return result.rows[0]!.n;
    },

    /** Serialises agents' requests until the transaction ends (another replica's too). */
    async lockForAsking(): Promise<void> {
      await db.query("SELECT pg_advisory_xact_lock(hashtext('steward:agent-approvals'))");
    },

    /** The approval, its question's state and its decision; undefined for any other question. */
    async get(questionId: number): Promise<AgentApprovalRow | undefined> {
      const result = await db.query<Row>(
        `SELECT a.question_id AS id, a.agent, a.action, a.details, q.options, q.status, a.requested_at, q.closed_at,
                d.answer, d.actor, d.actor_name, d.channel, d.decided_at
         FROM agent_approvals a JOIN questions q ON q.id = a.question_id LEFT JOIN decisions d ON d.question_id = a.question_id
         WHERE a.question_id = $1`,
        [questionId],
      );
      const row = result.rows[0];
      if (!row) return undefined;
      return {
        id: Number(row.id),
        agent: row.agent,
        action: row.action,
        details: row.details,
        options: row.options,
        questionStatus: row.status,
        requestedAt: row.requested_at,
        closedAt: row.closed_at,
        decision:
          row.answer && row.channel && row.decided_at
            ? {
                answer: row.answer,
                actorName: row.actor_name ?? row.actor ?? '',
                channel: row.channel,
                decidedAt: row.decided_at,
              }
            : undefined,
      };
    },
  };
}

export type AgentApprovalRepository = ReturnType<typeof createAgentApprovalRepository>;
