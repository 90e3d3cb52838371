import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { pino } from 'pino';
import { webhookSources } from '../../webhooks/registry.ts';
import { createPostgresCoordination } from '../../bot/coordination/index.ts';
import { runMigrations } from '../../bot/db/migrate.ts';
import { createPool } from '../../bot/db/pool.ts';
import { buildApp } from '../../bot/http/build-app.ts';
import { createCoalescingDispatcher } from '../../bot/intake/coalescing-dispatcher.ts';
import { createIntake } from '../../bot/intake/create-intake.ts';
import { createLoggingDispatcher } from '../../bot/intake/logging-dispatcher.ts';
import { createMetrics } from '../../bot/metrics/create-metrics.ts';
import { fixturesDir } from '../helpers/fixtures.ts';

const TOKEN = 'bench-token-0123456789abcdef';
const CONNECTIONS = 50;
const ROUND_SECONDS = 8;
const ROUNDS = 3;
const GROUPS = 100;

export interface RunFigures {
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
}

/**
 * Steward's webhook ingest against a bare Fastify endpoint that does the same JSON parse and one
 * PostgreSQL upsert, in the same run, alternating rounds (single runs vary by ±12% on this machine).
 * Both see the same 2 KB real Alertmanager capture, spread over 100 groups.
 */
export async function ingestBenchmark(adminUrl: string): Promise<{ steward: RunFigures; bare: RunFigures; ratio: number }> {
  const stewardDb = await freshDatabase(adminUrl, 'steward_bench');
  const bareDb = await freshDatabase(adminUrl, 'bare_bench');
  const capture = JSON.parse(readFileSync(`${fixturesDir}alertmanager-real-capture.json`, 'utf8')) as { groupKey: string };
  const bodies = Array.from({ length: GROUPS }, (_, i) => JSON.stringify({ ...capture, groupKey: `${capture.groupKey}/bench-${i}` }));

  const steward = await startSteward(stewardDb);
  const bare = await startBare(bareDb);
  try {
    const stewardUrl = await listen(steward.app);
    const bareUrl = await listen(bare.app);
    await load(stewardUrl, bodies, 3);
    await load(bareUrl, bodies, 3);
    const stewardRuns: RunFigures[] = [];
    const bareRuns: RunFigures[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      stewardRuns.push(await load(stewardUrl, bodies, ROUND_SECONDS));
      bareRuns.push(await load(bareUrl, bodies, ROUND_SECONDS));
    }
    const stewardMedian = median(stewardRuns);
    const bareMedian = median(bareRuns);
    return { steward: stewardMedian, bare: bareMedian, ratio: stewardMedian.requestsPerSecond / bareMedian.requestsPerSecond };
  } finally {
    await steward.close();
    await bare.close();
  }
}

async function startSteward(url: string) {
  // Logs at info into /dev/null: the cost of production logging is part of the figure.
  const logger = pino({ level: 'info' }, pino.destination('/dev/null'));
  const pool = createPool({ connectionString: url, logger });
  await runMigrations(pool, logger);
  const coordination = createPostgresCoordination(pool);
  const metrics = createMetrics();
  const dispatcher = createCoalescingDispatcher({ inner: createLoggingDispatcher(logger, metrics), coordination, db: pool, logger, intervalMs: 60_000 });
  const app = buildApp({
    logger,
    database: { pool, backend: 'external' },
    coordination,
    metrics,
    bodyLimit: 1_048_576,
    webhooks: {
      intake: createIntake({ pool, dispatcher, logger, flapWindowMs: 30 * 60_000 }),
      sources: webhookSources,
      credentials: { alertmanager: { bearer: TOKEN }, coroot: { bearer: TOKEN } },
    },
  });
  return { app, close: async () => (await app.close(), await pool.end()) };
}

async function startBare(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  await pool.query('CREATE TABLE IF NOT EXISTS groups (group_key text PRIMARY KEY, body jsonb NOT NULL, seen_at timestamptz NOT NULL DEFAULT now())');
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

async function listen(app: FastifyInstance): Promise<string> {
  return app.listen({ host: '127.0.0.1', port: 0 });
}

async function load(url: string, bodies: string[], seconds: number): Promise<RunFigures> {
  let next = 0;
  const result = await autocannon({
    url: `${url}/webhooks/alertmanager`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length]! }),
      },
    ],
  });
  return { requestsPerSecond: result.requests.average, p99Ms: result.latency.p99, non2xx: result.non2xx + result.errors };
}

function median(runs: RunFigures[]): RunFigures {
  const sorted = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
