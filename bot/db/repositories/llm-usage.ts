import type { Queryable } from '../pool.ts';

export interface LlmCall {
  incidentId?: number;
  purpose: string;
  alias: string;
  /** The model that served it, when the proxy says (`x-litellm-model-group` or the answer's `model`). */
  model?: string;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  latencyMs: number;
  outcome: 'ok' | 'error' | 'budget_exceeded' | 'rate_limited' | 'timeout';
  error?: string;
}

/** The `llm_usage` table: every model call, answered or not. It feeds quotas, /metrics and the weekly report. */
export function createLlmUsageLog(db: Queryable) {
  return {
    async record(call: LlmCall): Promise<void> {
      await db.query(
        `INSERT INTO llm_usage (incident_id, purpose, alias, model, prompt_tokens, completion_tokens, cost_usd, latency_ms, outcome, error)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          call.incidentId ?? null,
          call.purpose,
          call.alias,
          call.model ?? null,
          call.promptTokens,
          call.completionTokens,
          call.costUsd,
          Math.round(call.latencyMs),
          call.outcome,
          call.error?.slice(0, 1_000) ?? null,
        ],
      );
    },

    /** What each model cost in [from, to), costliest first. */
    async spendBetween(from: Date, to: Date): Promise<{ model: string; calls: number; cost: number }[]> {
      const result = await db.query<{ model: string; calls: number; cost: string }>(
        'SELECT COALESCE(model, alias) AS model, count(*)::int AS calls, sum(cost_usd)::text AS cost FROM llm_usage WHERE created_at >= $1 AND created_at < $2 GROUP BY 1 ORDER BY sum(cost_usd) DESC, 1',
        [from, to],
      );
      return result.rows.map((row) => ({ model: row.model, calls: row.calls, cost: Number(row.cost) }));
    },
  };
}

export type LlmUsageLog = ReturnType<typeof createLlmUsageLog>;
