import { readdirSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { findFreePort } from '../../bot/db/free-port.ts';
import { createTestDatabase, databaseBackends, type TestDatabase } from '../helpers/databases.ts';
import { redisSkipReason, testRedisUrl } from '../helpers/redis.ts';
import { processesMentioning, repoRoot, startService, type ServiceProcess } from '../helpers/service-process.ts';

const running: ServiceProcess[] = [];
const databases: TestDatabase[] = [];

afterEach(async () => {
  // With the embedded PostgreSQL each started: a test that failed or timed out leaves no server behind.
  for (const service of running.splice(0)) await service.kill();
  for (const database of databases.splice(0)) await database.drop();
});

async function launch(env: Record<string, string>): Promise<{ service: ServiceProcess; base: string }> {
  const port = await findFreePort();
  const service = startService({ HOST: '127.0.0.1', PORT: String(port), ...env });
  running.push(service);
  return { service, base: `http://127.0.0.1:${port}` };
}

async function freshDatabase(adminUrl: string): Promise<TestDatabase> {
  const database = await createTestDatabase(adminUrl);
  databases.push(database);
  return database;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

describe('the service as a process', () => {
  it('exits 1 naming PORT when PORT=abc', async () => {
    const service = startService({ PORT: 'abc' });
    running.push(service);
    expect(await service.exited).toBe(1);
    expect(service.output()).toMatch(/PORT must be a whole number.*"abc"/);
  });

  it('names every bad variable in one message', async () => {
    const service = startService({ PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    running.push(service);
    expect(await service.exited).toBe(1);
    const message = service
      .output()
      .split('\n')
      .find((line) => line.startsWith('steward: Invalid configuration'));
    expect(message).toBeDefined();
    for (const name of ['PORT', 'LOG_LEVEL', 'DATABASE_URL']) expect(message).toContain(name);
  });

  it("refuses to listen on the network without Alertmanager's credential", async () => {
    const service = startService({ HOST: '0.0.0.0', COROOT_TOKEN: 'a-long-random-token-0123456789' });
    running.push(service);
    expect(await service.exited).toBe(1);
    expect(service.output()).toMatch(
      /ALERTMANAGER_TOKEN \(or ALERTMANAGER_USER\/ALERTMANAGER_PASSWORD\) is required when HOST is 0\.0\.0\.0/,
    );
    expect(service.output()).not.toContain('a-long-random-token-0123456789');
  });

  it('runs on the embedded default, keeps data across a restart, and stops cleanly on SIGTERM', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'steward-proc-'));
    await chmod(dataDir, 0o755);

    const first = await launch({ DATA_DIR: dataDir });
    const started = await first.service.waitForLog('embedded PostgreSQL started');
    await first.service.waitForLog('steward listening');
    // No webhook credential configured: the start-up log says the routes take loopback peers only.
    const loopbackOnly = first.service
      .entries()
      .filter((entry) => entry.msg === 'webhook has no credential configured: accepting requests from loopback only');
    expect(loopbackOnly.map((entry) => entry.source)).toEqual([
      'alertmanager',
      'coroot',
      'github',
      'grafana',
      'uptime-kuma',
    ]);
    const ready = await fetch(`${first.base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      checks: { database: { backend: 'embedded' }, coordination: { backend: 'postgres' } },
    });

    const credentials = JSON.parse(await readFile(path.join(dataDir, 'postgres-credentials.json'), 'utf8')) as {
      user: string;
      password: string;
    };
    const url = `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${Number(started.port)}/steward`;
    await query(
      url,
      "INSERT INTO incidents (source, external_key, title) VALUES ('manual', 'restart-check', 'survives a restart')",
    );

    // `steward migrate` while the service runs joins its database instead of starting a second one.
    const migrate = startService({ DATA_DIR: dataDir, LOG_LEVEL: 'info' }, ['bot/cli/steward.mjs', 'migrate']);
    expect(await migrate.exited).toBe(0);
    expect(migrate.output()).toContain('joined embedded PostgreSQL');
    expect((await fetch(`${first.base}/readyz`)).status).toBe(200);

    const stopped = await first.service.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(10_000);
    expect(first.service.output()).toContain('embedded PostgreSQL stopped');
    expect(processesMentioning(dataDir)).toEqual([]);
    expect(first.service.output()).not.toContain(credentials.password);

    const second = await launch({ DATA_DIR: dataDir });
    const restarted = await second.service.waitForLog('embedded PostgreSQL started');
    await second.service.waitForLog('steward listening');
    const url2 = url.replace(`:${Number(started.port)}/`, `:${Number(restarted.port)}/`);
    const rows = await query<{ title: string }>(
      url2,
      "SELECT title FROM incidents WHERE external_key = 'restart-check'",
    );
    expect(rows).toEqual([{ title: 'survives a restart' }]);
    const starts = await query<{ count: string }>(
      url2,
      "SELECT count(*) FROM audit_log WHERE action = 'service.start'",
    );
    expect(Number(starts[0]!.count)).toBe(2);

    expect((await second.service.stop('SIGINT')).code).toBe(0);
    expect(processesMentioning(dataDir)).toEqual([]);
  });

  it('after a kill -9, adopts the orphaned embedded PostgreSQL and stops it on the next shutdown', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'steward-orphan-'));
    await chmod(dataDir, 0o755);
    const killed = await launch({ DATA_DIR: dataDir });
    await killed.service.waitForLog('steward listening');
    await killed.service.stop('SIGKILL');
    // SIGKILL gives no chance to clean up: the server outlives the process.
    expect(processesMentioning(dataDir).length).toBeGreaterThan(0);

    const next = await launch({ DATA_DIR: dataDir });
    await next.service.waitForLog('adopted embedded PostgreSQL left running by a stopped process');
    await next.service.waitForLog('steward listening');
    expect((await fetch(`${next.base}/readyz`)).status).toBe(200);
    expect((await next.service.stop()).code).toBe(0);
    expect(processesMentioning(dataDir)).toEqual([]);
  });

  it('killed by a test that gave up on it (a timeout), leaves no embedded PostgreSQL behind', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'steward-gave-up-'));
    await chmod(dataDir, 0o755);
    const { service } = await launch({ DATA_DIR: dataDir });
    // Mid-start, as a test that times out leaves it: the server runs, Steward does not listen yet.
    await service.waitForLog('embedded PostgreSQL started', 60_000);
    await service.kill();
    expect(processesMentioning(dataDir)).toEqual([]);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('started with `npm start` (which builds it first), stops with its database when npm is sent SIGTERM', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'steward-npm-'));
    await chmod(dataDir, 0o755);
    const port = await findFreePort();
    const npm = startService({ DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(port) }, [
      process.env.npm_execpath ?? '/usr/bin/npm',
      'start',
    ]);
    running.push(npm);
    // The prestart build (tsc) comes first: about 10 s here, more on a loaded CI machine.
    await npm.waitForLog('steward listening', 120_000);
    // Still serving well after start: it only stops when its parent really goes.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    expect(npm.output()).not.toContain('shutting down');

    // npm exits on SIGTERM without passing it on; Steward notices its parent is gone, and neither it
    // nor its database may remain.
    await npm.stop('SIGTERM');
    const deadline = Date.now() + 10_000;
    while (processesMentioning(dataDir).length > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(processesMentioning(dataDir)).toEqual([]);
    expect(npm.output()).toContain('parent process exited');
  }, 180_000);

  for (const backend of databaseBackends()) {
    it.skipIf(backend.skipReason !== undefined)(
      `two instances starting at once on an empty ${backend.name} database both come up and migrate once${backend.skipReason ? ` (skipped: ${backend.skipReason})` : ''}`,
      async () => {
        const database = await freshDatabase(backend.adminUrl!);
        const [a, b] = await Promise.all([
          launch({ DATABASE_URL: database.url }),
          launch({ DATABASE_URL: database.url }),
        ]);
        await Promise.all([a.service.waitForLog('steward listening'), b.service.waitForLog('steward listening')]);
        expect((await fetch(`${a.base}/readyz`)).status).toBe(200);
        expect((await fetch(`${b.base}/readyz`)).status).toBe(200);

        const applied = [...a.service.entries(), ...b.service.entries()].filter(
          (entry) => entry.msg === 'migration applied',
        );
        const migrations = readdirSync(path.join(repoRoot, 'migrations'))
          .filter((name) => name.endsWith('.sql'))
          .sort();
        expect(applied.map((entry) => entry.migration)).toEqual(migrations);
        const versions = await query<{ version: number }>(
          database.url,
          'SELECT version FROM schema_migrations ORDER BY version',
        );
        expect(versions.map((row) => row.version)).toEqual(migrations.map((name) => Number(name.slice(0, 3))));

        const [stopA, stopB] = await Promise.all([a.service.stop(), b.service.stop()]);
        expect([stopA.code, stopB.code]).toEqual([0, 0]);
      },
    );
  }

  const server = databaseBackends()[1]!;
  const serverSkip = server.skipReason ?? redisSkipReason;
  it.skipIf(serverSkip !== undefined)(
    `uses DATABASE_URL and REDIS_URL when set, and says so${serverSkip ? ` (skipped: ${serverSkip})` : ''}`,
    async () => {
      const database = await freshDatabase(server.adminUrl!);
      const { service, base } = await launch({
        DATABASE_URL: database.url,
        REDIS_URL: testRedisUrl!,
        REDIS_KEY_PREFIX: `steward-proc-${process.pid}:`,
      });
      await service.waitForLog('steward listening');
      const ready = await fetch(`${base}/readyz`);
      expect(await ready.json()).toMatchObject({
        status: 'ready',
        checks: { database: { ok: true, backend: 'external' }, coordination: { ok: true, backend: 'redis' } },
      });
      const configured = service.entries().find((entry) => entry.msg === 'database configured');
      expect(configured).toMatchObject({
        backend: 'external',
        location: `${new URL(database.url).host}/${database.name}`,
      });
      expect(service.entries().some((entry) => entry.msg === 'coordination on Redis')).toBe(true);
      expect((await service.stop()).code).toBe(0);
    },
  );

  it('never writes a configured secret to its output, over a full run at trace level', async () => {
    const embedded = databaseBackends()[0]!;
    const database = await freshDatabase(embedded.adminUrl!);
    const dbPassword = new URL(database.url).password;
    expect(dbPassword.length).toBeGreaterThan(8);
    const redisPassword = 'redis-secret-7f3a9c';
    const env: Record<string, string> = { DATABASE_URL: database.url, LOG_LEVEL: 'trace' };
    if (testRedisUrl) {
      const redis = new URL(testRedisUrl);
      redis.password = redisPassword;
      env.REDIS_URL = redis.toString();
    }
    const { service, base } = await launch(env);
    await service.waitForLog('steward listening');
    await fetch(`${base}/readyz`);
    await fetch(`${base}/metrics`);
    await fetch(`${base}/nope`);
    await fetch(`${base}/readyz`, { headers: { authorization: `Bearer ${redisPassword}` } });
    expect((await service.stop()).code).toBe(0);

    const output = service.output();
    expect(output.length).toBeGreaterThan(500);
    for (const secret of [database.url, dbPassword, decodeURIComponent(dbPassword), redisPassword]) {
      expect(output).not.toContain(secret);
    }
  });
});
