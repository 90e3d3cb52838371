import type { FastifyInstance } from 'fastify';
import type { IncidentChange, IncidentDispatcher } from '../../graphs/incident-changes.ts';
import type { Credentials } from '../../webhooks/authorization.ts';
import type { SourceName } from '../../webhooks/intake-event.ts';
import { createWebhookSources } from '../../webhooks/registry.ts';
import { readGenericWebhooks } from '../../bot/config/generic-webhooks.ts';
import { createPostgresCoordination } from '../../bot/coordination/index.ts';
import type { Pool } from '../../bot/db/pool.ts';
import { buildApp } from '../../bot/http/build-app.ts';
import { createIntake } from '../../bot/intake/create-intake.ts';
import { createMetrics } from '../../bot/metrics/create-metrics.ts';
import { registerStateGauges } from '../../bot/metrics/state-gauges.ts';
import type { Logger } from '../../bot/logging/index.ts';
import { silentLogger } from './silent-logger.ts';

export const TOKEN = 'test-token-0123456789abcdef';
export const GITHUB_SECRET = 'github-webhook-secret-0123456789';
export const GENERIC_TOKEN = 'generic-backup-token-0123456789';

/**
 * The generic webhooks every intake app has (STEWARD_CONFIG `webhooks` as read at start): `backup`
 * maps a backup tool's JSON report, `healthchecks` a healthchecks.io-style one.
 */
export const genericWebhooksSection = {
  generic: {
    backup: {
      token: GENERIC_TOKEN,
      title: '$.job.title',
      dedupKey: '$.job.id',
      status: 'result',
      resolvedValues: ['ok', 'success'],
      severity: 'level',
      labels: { host: 'job.host', job: 'job.id' },
      staticLabels: { alertname: 'BackupFailed', service: 'backup' },
      annotations: { summary: 'message', log: 'details.log_url' },
    },
  },
};

export interface IntakeApp {
  app: FastifyInstance;
  changes: IncidentChange[];
}

/** The real HTTP app and intake on a real database, with a dispatcher that records what it got. */
export async function buildIntakeApp(
  pool: Pool,
  options: { credentials?: Partial<Record<SourceName, Credentials>>; flapWindowMs?: number; logger?: Logger } = {},
): Promise<IntakeApp> {
  const changes: IncidentChange[] = [];
  const dispatcher: IncidentDispatcher = {
    dispatch(change) {
      changes.push(change);
      return Promise.resolve();
    },
  };
  const generic = readGenericWebhooks(genericWebhooksSection, {});
  const metrics = createMetrics();
  registerStateGauges(metrics, pool);
  const app = buildApp({
    logger: options.logger ?? silentLogger(),
    database: { pool, backend: 'external' },
    coordination: createPostgresCoordination(pool),
    metrics,
    bodyLimit: 1_048_576,
    webhooks: {
      intake: createIntake({
        pool,
        dispatcher,
        logger: silentLogger(),
        flapWindowMs: options.flapWindowMs ?? 30 * 60_000,
        coalesceLabels: ['service'],
      }),
      sources: createWebhookSources({ generic: generic.mappings }),
      credentials: {
        alertmanager: options.credentials?.alertmanager ?? { bearer: TOKEN },
        coroot: options.credentials?.coroot ?? { bearer: TOKEN },
        github: { signatureSecret: GITHUB_SECRET },
        grafana: options.credentials?.grafana ?? { bearer: TOKEN },
        'uptime-kuma': options.credentials?.['uptime-kuma'] ?? { bearer: TOKEN },
      },
      namedCredentials: { generic: generic.credentials },
    },
  });
  await app.ready();
  return { app, changes };
}
