import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { stewardVersion } from './build-info.ts';

/**
 * One registry per app instance (never prom-client's global one), so tests and several apps in one
 * process do not share counters. Features add their own `steward_*` metrics to `registry`.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const httpRequests = new Counter({
    name: 'steward_http_requests_total',
    help: 'HTTP requests handled, by route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'steward_http_request_duration_seconds',
    help: 'HTTP request duration, by route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const dependencyUp = new Gauge({
    name: 'steward_dependency_up',
    help: '1 when a dependency answered the last readiness check, else 0',
    labelNames: ['dependency', 'backend'] as const,
    registers: [registry],
  });
  const migrationsApplied = new Counter({
    name: 'steward_migrations_applied_total',
    help: 'Database migrations applied by this process',
    registers: [registry],
  });

  const webhookRequests = new Counter({
    name: 'steward_webhook_requests_total',
    help: 'Webhook deliveries, by source and status code',
    labelNames: ['source', 'status'] as const,
    registers: [registry],
  });
  const refusedRequests = new Counter({
    name: 'steward_refused_requests_total',
    help: 'Requests refused before anything was stored (credentials, signatures, bodies over the shape limits), by route pattern and reason',
    labelNames: ['route', 'reason'] as const,
    registers: [registry],
  });
  const ingestDuration = new Histogram({
    name: 'steward_ingest_duration_seconds',
    help: 'Time to validate and durably store one webhook delivery',
    labelNames: ['source'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const incidentChanges = new Counter({
    name: 'steward_incident_changes_total',
    help: 'Incident changes handed to the flow, by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  });

  const outboxLabels = { labelNames: ['channel'] as const, registers: [registry] };
  const outboxSent = new Counter({
    name: 'steward_outbox_sent_total',
    help: 'Chat messages delivered, by channel',
    ...outboxLabels,
  });
  const outboxRetries = new Counter({
    name: 'steward_outbox_retries_total',
    help: 'Chat message sends that failed and will be retried',
    ...outboxLabels,
  });
  const outboxFailures = new Counter({
    name: 'steward_outbox_failures_total',
    help: 'Chat messages given up on, by channel',
    ...outboxLabels,
  });

  const llmCalls = new Counter({
    name: 'steward_llm_calls_total',
    help: 'Model calls by alias and outcome',
    labelNames: ['alias', 'outcome'] as const,
    registers: [registry],
  });
  const llmTokens = new Counter({
    name: 'steward_llm_tokens_total',
    help: 'Tokens by alias, model and kind (prompt, completion)',
    labelNames: ['alias', 'model', 'kind'] as const,
    registers: [registry],
  });
  const llmCost = new Counter({
    name: 'steward_llm_cost_usd_total',
    help: 'Cost in USD as the proxy reports it, by alias and model',
    labelNames: ['alias', 'model'] as const,
    registers: [registry],
  });

  // Operator visibility: the build, MCP tool calls, and how long the owner takes to answer. Gauges read
  // at scrape time (MCP server health, actions from the database) are in mcp-gauges.ts and state-gauges.ts.
  new Gauge({
    name: 'steward_build_info',
    help: 'Always 1; the labels say which Steward and which Node.js run',
    labelNames: ['version', 'node_version'] as const,
    registers: [registry],
  }).set({ version: stewardVersion(), node_version: process.version }, 1);
  const mcpToolCalls = new Counter({
    name: 'steward_mcp_tool_calls_total',
    help: 'MCP tool calls, by server, tool and outcome (ok, tool, timeout, unavailable, protocol)',
    labelNames: ['server', 'tool', 'outcome'] as const,
    registers: [registry],
  });
  const mcpToolDuration = new Histogram({
    name: 'steward_mcp_tool_call_duration_seconds',
    help: 'How long MCP tool calls took, by server',
    labelNames: ['server'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const approvalLatency = new Histogram({
    name: 'steward_approval_latency_seconds',
    help: 'Time from a question being asked to the owner deciding it, by question kind',
    labelNames: ['kind'] as const,
    buckets: [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 43200, 86400],
    registers: [registry],
  });

  return {
    registry,
    mcpToolCalls,
    mcpToolDuration,
    approvalLatency,
    llmCalls,
    llmTokens,
    llmCost,
    httpRequests,
    httpDuration,
    dependencyUp,
    migrationsApplied,
    webhookRequests,
    refusedRequests,
    ingestDuration,
    incidentChanges,
    outboxSent,
    outboxRetries,
    outboxFailures,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
