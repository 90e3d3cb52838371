import type { Queryable } from '../pool.ts';

/** An action as `details` and `status` show it. */
export interface ActionRow {
  tool: string;
  arguments: Record<string, unknown>;
  status: string;
  result: { output?: string } | null;
  error: string | null;
  startedAt: Date;
  incidentId: number | undefined;
}

/**
 * The `actions` table: one row per tool call Steward ran (or tried). The claim that makes each call
 * happen once is `claimAction` in action-claim.ts; this module records how calls ended and answers the
 * questions the rest of Steward asks about them.
 */
export function createActionRepository(db: Queryable) {
  return {
    /** The end of a claimed call. */
    async finish(
      actionId: number,
      outcome: { status: 'succeeded'; output: string } | { status: 'failed'; error: string },
    ): Promise<void> {
      if (outcome.status === 'succeeded')
        await db.query("UPDATE actions SET status = 'succeeded', finished_at = now(), result = $2 WHERE id = $1", [
          actionId,
          { output: outcome.output },
        ]);
      else
        await db.query("UPDATE actions SET status = 'failed', finished_at = now(), error = $2 WHERE id = $1", [
          actionId,
          outcome.error,
        ]);
    },

    /** The last call that worked for an incident: what "Next time?" is about. */
    async lastSucceeded(incidentId: number): Promise<{ tool: string; solutionId: string | null } | undefined> {
      const result = await db.query<{ tool: string; solution_id: string | null }>(
        "SELECT tool, solution_id FROM actions WHERE incident_id = $1 AND status = 'succeeded' ORDER BY id DESC LIMIT 1",
        [incidentId],
      );
      const row = result.rows[0];
      return row ? { tool: row.tool, solutionId: row.solution_id } : undefined;
    },

    /** An incident's latest calls, newest first. */
    async recent(incidentId: number, limit: number): Promise<ActionRow[]> {
      const result = await db.query<{
        tool: string;
        arguments: Record<string, unknown>;
        status: string;
        result: { output?: string } | null;
        error: string | null;
        started_at: Date;
        incident_id: string | null;
      }>(
        'SELECT tool, arguments, status, result, error, started_at, incident_id FROM actions WHERE incident_id = $1 ORDER BY id DESC LIMIT $2',
        [incidentId, limit],
      );
      return result.rows.map(toActionRow);
    },

    /** Calls under way right now (or cut off by a crash), oldest first. */
    async running(): Promise<ActionRow[]> {
      const result = await db.query<{
        tool: string;
        arguments: Record<string, unknown>;
        status: string;
        result: { output?: string } | null;
        error: string | null;
        started_at: Date;
        incident_id: string | null;
      }>(
        "SELECT tool, arguments, status, result, error, started_at, incident_id FROM actions WHERE status = 'started' ORDER BY started_at",
      );
      return result.rows.map(toActionRow);
    },

    /** Finished calls by tool, how they ended and who decided them: `steward_actions_total`. */
    async finishedCounts(): Promise<{ tool: string; status: string; trigger: string; count: number }[]> {
      const result = await db.query<{ tool: string; status: string; trigger: string; n: string }>(
        "SELECT tool, status, trigger, count(*) AS n FROM actions WHERE status <> 'started' GROUP BY tool, status, trigger",
      );
      return result.rows.map((row) => ({
        tool: row.tool,
        status: row.status,
        trigger: row.trigger,
        count: Number(row.n),
      }));
    },

    async startedCount(): Promise<number> {
      const result = await db.query<{ count: string }>("SELECT count(*) FROM actions WHERE status = 'started'");
      return Number(result.rows[0]!.count);
    },

    /** A report's figures for calls started in [from, to). */
    async between(
      from: Date,
      to: Date,
    ): Promise<{ auto: number; approved: number; failed: number; commonest: { tool: string; count: number }[] }> {
      const totals = await db.query<{ auto: number; approved: number; failed: number }>(
        `SELECT count(*) FILTER (WHERE trigger = 'auto')::int AS auto, count(*) FILTER (WHERE trigger = 'approved')::int AS approved,
                count(*) FILTER (WHERE status IN ('failed', 'interrupted'))::int AS failed
         FROM actions WHERE started_at >= $1 AND started_at < $2`,
        [from, to],
      );
      const kinds = await db.query<{ tool: string; n: number }>(
        'SELECT tool, count(*)::int AS n FROM actions WHERE started_at >= $1 AND started_at < $2 GROUP BY tool ORDER BY n DESC, tool LIMIT 3',
        [from, to],
      );
      return { ...totals.rows[0]!, commonest: kinds.rows.map((row) => ({ tool: row.tool, count: row.n })) };
    },
  };
}

export type ActionRepository = ReturnType<typeof createActionRepository>;

function toActionRow(row: {
  tool: string;
  arguments: Record<string, unknown>;
  status: string;
  result: { output?: string } | null;
  error: string | null;
  started_at: Date;
  incident_id: string | null;
}): ActionRow {
  return {
    tool: row.tool,
    arguments: row.arguments ?? {},
    status: row.status,
    result: row.result,
    error: row.error,
    startedAt: row.started_at,
    incidentId: row.incident_id === null ? undefined : Number(row.incident_id),
  };
}
