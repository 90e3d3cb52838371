import type { Queryable } from '../db/pool.ts';

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

/** Every model call, answered or not: it feeds quotas, /metrics and the weekly report. */
export function createLlmUsageLog(db: Queryable) {
  return {
    async record(call: LlmCall): Promise<void> {
      await db.query(
        `INSERT INTO llm_usage (incident_id, purpose, alias, model, prompt_tokens, completion_tokens, cost_usd, latency_ms, outcome, error)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [call.incidentId ?? null, call.purpose, call.alias, call.model ?? null, call.promptTokens, call.completionTokens, call.costUsd, Math.round(call.latencyMs), call.outcome, call.error?.slice(0, 1_000) ?? null],
      );
    },
  };
}

export type LlmUsageLog = ReturnType<typeof createLlmUsageLog>;
