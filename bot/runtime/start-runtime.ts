import type { FastifyInstance } from 'fastify';
import { loadStructuredConfig, type Config, type StructuredConfig } from '../config/index.ts';
import type { RuntimeLogging } from './runtime-logging.ts';
import { createCoordination, type Coordination } from '../coordination/index.ts';
import { runMigrations } from '../db/migrate.ts';
import { openDatabase, type Database } from '../db/open-database.ts';
import { createAuditLog } from '../db/repositories/audit-log.ts';
import { buildApp } from '../http/build-app.ts';
import type { Logger } from '../logging/index.ts';
import { createMetrics } from '../metrics/create-metrics.ts';
import { registerStateGauges } from '../metrics/state-gauges.ts';
import { timeDecisions } from '../metrics/approval-latency.ts';
import { createCoalescingDispatcher } from '../intake/coalescing-dispatcher.ts';
import { createDeliveryRetention } from '../intake/delivery-retention.ts';
import { createIntake } from '../intake/create-intake.ts';
import { createUndeliveredChanges } from '../intake/undelivered-changes.ts';
import { createLoggingDispatcher } from '../intake/logging-dispatcher.ts';
import { createWebhookSources } from '../../webhooks/registry.ts';
import { readGenericWebhooks } from '../config/generic-webhooks.ts';
import { createShutdown, type Shutdown } from './shutdown.ts';
import { createChat, type ChatTerminal } from './start-chat.ts';
import { createLlm } from './start-llm.ts';
import { startIncidentHandling } from './start-incident-handling.ts';
import { readPolicy } from '../flow/policy-config.ts';
import { startMcp } from './start-mcp.ts';
import { createMcpServerPart } from './start-mcp-server.ts';
import { startSchedules } from './start-schedules.ts';
import { pullRequestQuestionKinds, startPullRequests } from './start-pull-requests.ts';
import type { LlmGateway } from '../llm/gateway.ts';
import { createIncidentNotices } from '../chat/incident-notices.ts';
import { routeDecisions } from '../chat/decision-router.ts';
import type { DecisionListener } from '../../graphs/questions.ts';
import type { ChatCommands } from '../chat/chat-commands.ts';
import { statusReport } from '../chat/status-report.ts';
import { SNOOZE_QUEUE } from '../flow/incident-flow.ts';

export interface Runtime {
  config: Config;
  structured: StructuredConfig;
  logger: Logger;
  database: Database;
  coordination: Coordination;
  app: FastifyInstance;
  shutdown: Shutdown;
  /** The model gateway the flows ask through. */
  llm: LlmGateway;
}

export { createRuntimeLogging, type RuntimeLogging } from './runtime-logging.ts';

/**
 * Builds everything the service runs on, in dependency order, and registers each part's close in
 * reverse order. If a step fails, what was already started (the embedded database!) is stopped.
 */
export interface RuntimeOptions {
  /** Where decisions go instead of the incident flow (tests). */
  listener?: DecisionListener;
  /** The shell channel's terminal (tests pass streams); by default stdin/stdout when they are a TTY. */
  terminal?: ChatTerminal;
  /** For `${VAR}` in STEWARD_CONFIG (MCP server env and headers). */
  env?: Readonly<Record<string, string | undefined>>;
}

export async function startRuntime(
  config: Config,
  { logger, redactor }: RuntimeLogging,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const shutdown = createShutdown(logger);
  // Secret values in it (DATABASE_URL …) are masked by the redactor like everywhere else.
  logger.debug({ config }, 'effective configuration');
  try {
    const structured = await loadStructuredConfig(config.stewardConfigPath);
    const genericWebhooks = readGenericWebhooks(structured.webhooks, options.env ?? {});
    // Tokens written in STEWARD_CONFIG are secrets like those in variables: never in a log line.
    for (const token of genericWebhooks.secrets) redactor.add(token);
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger, redactor });
    shutdown.add('database', () => database.close());

    const metrics = createMetrics();
    const migrations = await runMigrations(database.pool, logger);
    metrics.migrationsApplied.inc(migrations.applied.length);

    const coordination = createCoordination({
      redisUrl: config.redisUrl,
      redisKeyPrefix: config.redisKeyPrefix,
      pool: database.pool,
      logger,
    });
    shutdown.add('coordination', () => coordination.close());

    registerStateGauges(metrics, database.pool);
    // Sending first: the flows ask through the desk. Receiving starts below, once every listener exists.
    const chat = createChat({
      config,
      pool: database.pool,
      coordination,
      logger,
      metrics,
      shutdown,
      terminal: options.terminal ?? {
        input: process.stdin,
        output: process.stdout,
        interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
      },
    });
    const llm = createLlm(config, structured, { pool: database.pool, coordination, logger, metrics, chat });
    const notices = createIncidentNotices({
      db: database.pool,
      desk: chat.desk,
      outbox: chat.outbox,
      channels: chat.channels,
      wake: chat.wake,
      digestMs: config.autonomyMode === 'verbose' ? 0 : config.noticeDigestMs,
    });
    const mcp = await startMcp({ structured, env: options.env ?? {}, logger, chat, shutdown, metrics });
    // The pull-request and schedule parts add their commands below, before chat starts receiving.
    const commands: ChatCommands = {
      status: async () =>
        statusReport(database.pool, {
          snoozed: await coordination.listScheduled(SNOOZE_QUEUE, 20),
          quota: await llm.quotaUsage(),
          autonomyMode: config.autonomyMode,
          mcp: mcp.servers(),
        }),
    };
    const policy = readPolicy(structured.policy);
    // Opened incidents whose run could not start are kept like undelivered changes (created below).
    const keep: { undelivered?: ReturnType<typeof createUndeliveredChanges> } = {};
    const incidents = await startIncidentHandling({
      config,
      structured,
      mcp,
      policy,
      pool: database.pool,
      coordination,
      logger,
      chat,
      llm,
      shutdown,
      notices,
      onStartFailed: async (change, error) => {
        await keep.undelivered?.record(change, error);
      },
    });
    if (incidents.request) commands.request = incidents.request;
    const pullRequests = startPullRequests({
      config,
      structured,
      mcp,
      pool: database.pool,
      coordination,
      logger,
      chat,
      llm,
      shutdown,
      commands,
    });
    // Steward as an MCP server (MCP_SERVER_TOKEN): agents' approvals are questions on the same desk.
    const mcpServer = createMcpServerPart({
      config,
      pool: database.pool,
      chat,
      policy,
      logger,
      status: () => commands.status(),
      runbooks: () => incidents.runbooks.list(),
    });
    // Built before chat receives anything; each person's decision is timed (approval latency) on its way.
    const decisions: DecisionListener = timeDecisions(
      options.listener ??
        routeDecisions({
          pullRequestKinds: pullRequestQuestionKinds,
          pullRequests: pullRequests.listener,
          incidents: incidents.listener,
          ...(mcpServer ? { approvals: mcpServer.approvals.listener } : {}),
        }),
      { db: database.pool, metrics, logger },
    );
    startSchedules({
      config,
      structured,
      pool: database.pool,
      coordination,
      logger,
      chat,
      llm,
      runbooks: incidents.runbooks,
      shutdown,
      commands,
      mcp,
      policy,
    });
    const logged = createLoggingDispatcher(logger, metrics);
    const dispatcher = createCoalescingDispatcher({
      inner: {
        async dispatch(change) {
          await logged.dispatch(change);
          await incidents.dispatcher.dispatch(change);
        },
      },
      coordination,
      db: database.pool,
      logger,
      intervalMs: config.incidentUpdateIntervalMs,
    });
    dispatcher.start();
    shutdown.add('incident updates', () => dispatcher.stop());
    const retention = createDeliveryRetention({
      db: database.pool,
      coordination,
      logger,
      days: config.deliveryRetentionDays,
    });
    retention.start();
    shutdown.add('delivery retention', () => retention.stop());
    const undelivered = createUndeliveredChanges({
      db: database.pool,
      dispatcher,
      logger: logger.child({ component: 'intake' }),
    });
    keep.undelivered = undelivered;
    undelivered.start();
    shutdown.add('undelivered changes', () => undelivered.stop());
    const intake = createIntake({
      onDispatchFailure: undelivered.record,
      pool: database.intakePool,
      dispatcher,
      logger,
      flapWindowMs: config.flapWindowMs,
      coalesceLabels: config.coalesceLabels,
      skipRepositoryEvent: pullRequests.skipRepositoryEvent,
      onRepositoryChange: pullRequests.wake,
    });
    const receiving = chat.start({ decisions, commands });

    await createAuditLog(database.pool).record({
      actor: 'steward',
      channel: 'process',
      action: 'service.start',
      outcome: 'ok',
      details: { pid: process.pid, database: database.backend, coordination: coordination.backend },
    });

    const app = buildApp({
      logger,
      database,
      coordination,
      metrics,
      bodyLimit: config.httpBodyLimit,
      ...(config.mattermost
        ? {
            mattermost: {
              config: config.mattermost,
              db: database.pool,
              desk: chat.desk,
              router: receiving.router,
              answer: receiving.answer,
              isApprover: chat.isApprover,
              audit: createAuditLog(database.pool),
              status: () => commands.status(),
            },
          }
        : {}),
      ...(mcpServer ? { mcpServer: mcpServer.route } : {}),
      webhooks: {
        intake,
        sources: createWebhookSources({ generic: genericWebhooks.mappings }),
        credentials: {
          alertmanager: { bearer: config.alertmanager.token, basic: config.alertmanager.basic },
          coroot: { bearer: config.coroot.token },
          github: { signatureSecret: config.github.webhookSecret },
          grafana: { bearer: config.grafana.token },
          'uptime-kuma': { bearer: config.uptimeKuma.token },
        },
        namedCredentials: { generic: genericWebhooks.credentials },
      },
    });
    // Added last so it runs first: stop taking requests and drain before the stores close.
    shutdown.add('http', () => app.close());
    return { config, structured, logger, database, coordination, app, shutdown, llm };
  } catch (error) {
    await shutdown.run('start failed');
    throw error;
  }
}
