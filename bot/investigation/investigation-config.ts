import { z } from 'zod';
import { ConfigError } from '../config/index.ts';
import { durationSchema } from '../config/env-schema.ts';

/** The `investigation` section of STEWARD_CONFIG (see steward.example.yaml). Every key is optional. */
const investigationSchema = z
  .object({
    /** Gather evidence before asking (default true). */
    enabled: z.boolean().default(true),
    /** Most calls one investigation makes: read-only MCP tools and Prometheus queries together. */
    max_tool_calls: z.number().int().min(0).max(50).default(5),
    /** How long one investigation may take before Steward asks with what it has. */
    time_limit: durationSchema.default(20_000),
    /** Characters kept of each result (a tool's output, a query's summary). */
    max_result_chars: z.number().int().min(100).max(20_000).default(2_000),
    /** How far back Prometheus series and Coroot history are read. */
    metrics_window: durationSchema.default(3_600_000),
    history_window: durationSchema.default(86_400_000),
  })
  .strict();

export interface InvestigationBudget {
  enabled: boolean;
  maxToolCalls: number;
  timeLimitMs: number;
  maxResultChars: number;
  metricsWindowMs: number;
  historyWindowMs: number;
}

export function readInvestigationConfig(section: unknown): InvestigationBudget {
  const parsed = investigationSchema.safeParse(section ?? {});
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: 'STEWARD_CONFIG',
        message: `investigation.${issue.path.join('.')}: ${issue.message}`,
      })),
    );
  }
  const value = parsed.data;
  return Object.freeze({
    enabled: value.enabled,
    maxToolCalls: value.max_tool_calls,
    timeLimitMs: value.time_limit,
    maxResultChars: value.max_result_chars,
    metricsWindowMs: value.metrics_window,
    historyWindowMs: value.history_window,
  });
}
