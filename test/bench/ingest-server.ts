import { pathToFileURL } from 'node:url';
import Fastify from 'fastify';
import pg from 'pg';
import { pino } from 'pino';
import { createWebhookSources } from '../../webhooks/registry.ts';
import { createPostgresCoordination } from '../../bot/coordination/index.ts';
import { runMigrations } from '../../bot/db/migrate.ts';
import { createPool, INTAKE_CONNECTIONS } from '../../bot/db/pool.ts';
import { buildApp } from '../../bot/http/build-app.ts';
import { createCoalescingDispatcher } from '../../bot/intake/coalescing-dispatcher.ts';
import { createIntake } from '../../bot/intake/create-intake.ts';
import { createLoggingDispatcher } from '../../bot/intake/logging-dispatcher.ts';
import { createMetrics } from '../../bot/metrics/create-metrics.ts';

export const BENCH_TOKEN = 'bench-token-0123456789abcdef';

/**
 * One side of the ingest benchmark in a process of its own: `ingest-server.ts steward|bare <database
 * url>` prints `listening <url>` and serves until SIGTERM.
 */
async function startSteward(url: string) {
  // Logs at info into /dev/null: the cost of production logging is part of the figure.
  const logger = pino({ level: 'info' }, pino.destination('/dev/null'));
  const pool = createPool({ connectionString: url, logger });
  // As in production (bot/db/open-database.ts): intake on connections of its own.
  const intakePool = createPool({ connectionString: url, logger, max: INTAKE_CONNECTIONS });
  await runMigrations(pool, logger);
  const coordination = createPostgresCoordination(pool);
  const metrics = createMetrics();
  const dispatcher = createCoalescingDispatcher({
    inner: createLoggingDispatcher(logger, metrics),
    coordination,
    db: pool,
    logger,
    intervalMs: 60_000,
  });
  const app = buildApp({
    logger,
    database: { pool, backend: 'external' },
    coordination,
    metrics,
    bodyLimit: 1_048_576,
    webhooks: {
      intake: createIntake({ pool: intakePool, dispatcher, logger, flapWindowMs: 30 * 60_000 }),
      sources: createWebhookSources(),
      credentials: { alertmanager: { bearer: BENCH_TOKEN }, coroot: { bearer: BENCH_TOKEN } },
    },
  });
  return { app, close: async () => (await app.close(), await Promise.all([pool.end(), intakePool.end()])) };
}

async function startBare(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  await pool.query(
    'CREATE TABLE IF NOT EXISTS groups (group_key text PRIMARY KEY, body jsonb NOT NULL, seen_at timestamptz NOT NULL DEFAULT now())',
  );
  const app = Fastify();
  app.post('/webhooks/alertmanager', async (request) => {
    const body = request.body as { groupKey: string };
    await pool.query(
      'INSERT INTO groups (group_key, body) VALUES ($1, $2) ON CONFLICT (group_key) DO UPDATE SET body = EXCLUDED.body, seen_at = now()',
      [body.groupKey, JSON.stringify(body)],
    );
    return { ok: true };
  });
  return { app, close: async () => (await app.close(), await pool.end()) };
}

const [kind, databaseUrl] = process.argv.slice(2);
// Only when run as a script: ingest.ts imports the token from here.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if ((kind !== 'steward' && kind !== 'bare') || !databaseUrl)
    throw new Error('usage: ingest-server.ts steward|bare <database url>');
  const server = kind === 'steward' ? await startSteward(databaseUrl) : await startBare(databaseUrl);
  const url = await server.app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`listening ${url}\n`);
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
}
