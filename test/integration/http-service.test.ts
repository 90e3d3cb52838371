import formBody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresCoordination, createRedisCoordination } from '../../bot/coordination/index.ts';
import { findFreePort } from '../../bot/db/free-port.ts';
import { createPool } from '../../bot/db/pool.ts';
import { StewardError } from '../../bot/errors.ts';
import { bodyShapeLimits } from '../../bot/http/bounded-bodies.ts';
import { buildApp } from '../../bot/http/build-app.ts';
import { createMetrics } from '../../bot/metrics/create-metrics.ts';
import { captureLogs } from '../helpers/capture-logs.ts';
import { createMigratedDatabase, databaseBackends, type MigratedDatabase } from '../helpers/databases.ts';
import { silentLogger } from '../helpers/silent-logger.ts';
import { pino } from 'pino';

const embedded = databaseBackends()[0]!;

describe('HTTP service', () => {
  let database: MigratedDatabase;
  let app: FastifyInstance;
  const logs = captureLogs();

  beforeAll(async () => {
    database = await createMigratedDatabase(embedded.adminUrl!);
    app = buildApp({
      logger: pino({ level: 'info' }, logs.stream),
      database: { pool: database.pool, backend: 'embedded' },
      coordination: createPostgresCoordination(database.pool),
      metrics: createMetrics(),
      bodyLimit: 1_048_576,
    });
    // Routes that exercise the one error handler.
    app.get('/test/typed', () => {
      throw new StewardError('bad_request', 'field alerts[0].labels is required');
    });
    app.get('/test/internal', () => {
      throw new Error('secret internal detail at /srv/steward/bot/x.ts:42');
    });
    app.get('/test/store-down', () => {
      throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });
    });
    app.post('/test/echo', (request) => ({ received: typeof request.body }));
    // A route in a scope of its own with a parser of its own, as the Mattermost routes have.
    await app.register(async (scope) => {
      await scope.register(formBody);
      scope.post('/test/form', (request) => ({ received: typeof request.body }));
    });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('answers /healthz', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with each dependency and its backend', async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'ready',
      checks: { database: { ok: true, backend: 'embedded' }, coordination: { ok: true, backend: 'postgres' } },
    });
  });

  it('serves Prometheus metrics: process metrics and steward_* series', async () => {
    await app.inject({ method: 'GET', url: '/healthz' });
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain('process_resident_memory_bytes');
    expect(response.body).toMatch(/steward_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(response.body).toContain('steward_dependency_up{dependency="database",backend="embedded"} 1');
  });

  it('maps a typed error to its status with its public message only', async () => {
    const response = await app.inject({ method: 'GET', url: '/test/typed' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'bad_request', message: 'field alerts[0].labels is required' });
  });

  it('hides internal errors from clients but logs them', async () => {
    const response = await app.inject({ method: 'GET', url: '/test/internal' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: 'internal', message: 'internal error', requestId: expect.any(String) });
    expect(response.body).not.toContain('secret internal detail');
    expect(response.body).not.toContain('.ts:');
    expect(logs.text()).toContain('secret internal detail');
  });

  it('answers 503 when the store is unreachable, so senders retry', async () => {
    const response = await app.inject({ method: 'GET', url: '/test/store-down' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ error: 'store_unavailable' });
    expect(response.body).not.toContain('10.0.0.5');
  });

  it('rejects a body over the 1 MiB limit with 413', async () => {
    const payload = JSON.stringify({ blob: 'x'.repeat(1_100_000) });
    const response = await app.inject({
      method: 'POST',
      url: '/test/echo',
      payload,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: 'payload_too_large' });
  });

  it('rejects malformed JSON with 400 and a fixed message', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/test/echo',
      payload: '{"a":',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'bad_request', message: 'body is not valid JSON' });
  });

  it('bounds the body of any route, even one registered after the app was built: 400 before it is parsed', async () => {
    const deep = '['.repeat(bodyShapeLimits.depth + 1) + ']'.repeat(bodyShapeLimits.depth + 1);
    const response = await app.inject({
      method: 'POST',
      url: '/test/echo',
      payload: deep,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: 'bad_request',
      message: `body nests deeper than ${bodyShapeLimits.depth} levels`,
    });
    const atLimit = '['.repeat(bodyShapeLimits.depth) + ']'.repeat(bodyShapeLimits.depth);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/test/echo',
          payload: atLimit,
          headers: { 'content-type': 'application/json' },
        })
      ).json(),
    ).toEqual({ received: 'object' });

    const form = Array.from({ length: bodyShapeLimits.keys + 1 }, (_, index) => `f${index}=1`).join('&');
    const formResponse = await app.inject({
      method: 'POST',
      url: '/test/form',
      payload: form,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(formResponse.statusCode).toBe(400);
    expect(formResponse.json()).toMatchObject({
      message: `body has more than ${bodyShapeLimits.keys} distinct keys or form fields`,
    });
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await app.inject({ method: 'GET', url: '/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'not_found' });
  });
});

describe('readiness when a dependency is down', () => {
  it('answers 503 naming the database when PostgreSQL is unreachable', async () => {
    const closedPort = await findFreePort();
    const pool = createPool({
      connectionString: `postgres://steward@127.0.0.1:${closedPort}/steward`,
      logger: silentLogger(),
    });
    const database = await createMigratedDatabase(embedded.adminUrl!);
    const app = buildApp({
      logger: silentLogger(),
      database: { pool, backend: 'external' },
      coordination: createPostgresCoordination(database.pool),
      metrics: createMetrics(),
      bodyLimit: 1_048_576,
    });
    try {
      const response = await app.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({
        status: 'unavailable',
        down: ['database'],
        checks: { database: { ok: false, backend: 'external', error: 'ECONNREFUSED' }, coordination: { ok: true } },
      });
    } finally {
      await app.close();
      await pool.end();
      await database.close();
    }
  });

  it('answers 503 naming coordination when Redis is unreachable', async () => {
    const closedPort = await findFreePort();
    const coordination = createRedisCoordination({ url: `redis://127.0.0.1:${closedPort}`, keyPrefix: 'x:' });
    const database = await createMigratedDatabase(embedded.adminUrl!);
    const app = buildApp({
      logger: silentLogger(),
      database: { pool: database.pool, backend: 'external' },
      coordination,
      metrics: createMetrics(),
      bodyLimit: 1_048_576,
    });
    try {
      const response = await app.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({
        down: ['coordination'],
        checks: { coordination: { ok: false, backend: 'redis' } },
      });
    } finally {
      await app.close();
      await coordination.close();
      await database.close();
    }
  });
});
