import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Coordination } from '../coordination/index.ts';
import type { Database } from '../db/open-database.ts';
import type { Logger } from '../logging/index.ts';
import type { Metrics } from '../metrics/create-metrics.ts';
import { bodyShapeLimits, installBodyShapeLimits } from './bounded-bodies.ts';
import { installErrorHandler } from './error-handler.ts';
import { createRefusedRequests, type RefusalReason } from './refused-requests.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerMattermostRoutes, type MattermostRouteDeps } from './routes/mattermost.ts';
import { registerMcpServerRoute, type McpServerRouteDeps } from './routes/mcp-server.ts';
import { registerMetricsRoute } from './routes/metrics.ts';
import { registerWebhookRoutes, type WebhookRouteDeps } from './routes/webhooks.ts';

export interface AppDeps {
  logger: Logger;
  database: Pick<Database, 'pool' | 'backend'>;
  coordination: Pick<Coordination, 'ping' | 'backend'>;
  metrics: Metrics;
  bodyLimit: number;
  /** The webhook intake; absent in tests that exercise only the service itself. */
  webhooks?: Omit<WebhookRouteDeps, 'metrics' | 'logger' | 'refusals'>;
  /** Button callbacks and the slash command, when Mattermost is configured. */
  mattermost?: Omit<MattermostRouteDeps, 'refusals'>;
  /** Steward as an MCP server at /mcp, when MCP_SERVER_TOKEN is set. */
  mcpServer?: Omit<McpServerRouteDeps, 'refusals'>;
}

/** Builds the HTTP service. `bot/main.ts` and the tests both use it, with real dependencies. */
export function buildApp(deps: AppDeps): FastifyInstance {
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance,
    // Per-request info lines cost ~50 µs each; requests are logged at debug below instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.bodyLimit,
    // Lets close() finish while keep-alive clients stay connected.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });

  installErrorHandler(app);
  const refusals = createRefusedRequests({ metrics: deps.metrics });
  // Before any route: every body on every route, whoever registers it, is read under these limits.
  installBodyShapeLimits(app, bodyShapeLimits, (request, violation) =>
    refusals.refuse(request, shapeReasons[violation]),
  );
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    deps.metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    deps.metrics.httpDuration.observe({ method: request.method, route }, seconds);
    request.log.debug(
      { method: request.method, route, status: reply.statusCode, ms: reply.elapsedTime },
      'request handled',
    );
  });

  registerHealthRoutes(app, deps);
  registerMetricsRoute(app, deps.metrics);
  if (deps.mattermost) {
    // `refusals` is for the routes' own credential checks (count and rate-limited log, nothing stored).
    const mattermost = { ...deps.mattermost, refusals };
    registerMattermostRoutes(app, mattermost);
  }
  if (deps.mcpServer) registerMcpServerRoute(app, { ...deps.mcpServer, refusals });
  if (deps.webhooks)
    registerWebhookRoutes(app, { ...deps.webhooks, metrics: deps.metrics, logger: deps.logger, refusals });
  return app;
}

const shapeReasons = {
  depth: 'body_too_deep',
  elements: 'body_too_many_elements',
  keys: 'body_too_many_keys',
} as const satisfies Record<string, RefusalReason>;
