import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../bot/db/open-database.ts';
import { createPool, type Pool } from '../../bot/db/pool.ts';
import { createLogger, createSecretRedactor } from '../../bot/logging/index.ts';
import { captureLogs } from '../helpers/capture-logs.ts';
import { createTestDatabase, databaseBackends, type TestDatabase } from '../helpers/databases.ts';
import { killProcessesMentioning, processesMentioning } from '../helpers/service-process.ts';
import { silentLogger } from '../helpers/silent-logger.ts';

/** Opens `count` connections at once: each query holds its own until the others have started. */
async function openConnections(pool: Pool, count: number): Promise<void> {
  await Promise.all(Array.from({ length: count }, () => pool.query('SELECT pg_sleep(0.05)')));
}

/**
 * The shutdown ends the pools, then stops the embedded server. pg-pool's end() resolved as soon as
 * it had asked each idle connection to close, before the server had closed them: the server then
 * stopped under live connections, and each one logged "database connection lost while in use" on
 * every clean shutdown (and, on a busy machine, the shutdown raced its own sockets).
 */
describe('closing the database', () => {
  let database: TestDatabase | undefined;
  let dataDir = '';
  afterAll(async () => {
    await database?.drop();
    // A failed run may have left the embedded server running: nothing may outlive the test.
    if (dataDir) await killProcessesMentioning(dataDir);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('a pool has closed every connection when its end() resolves', async () => {
    database = await createTestDatabase(databaseBackends()[0]!.adminUrl!);
    const pool = createPool({ connectionString: database.url, logger: silentLogger() });
    let connected = 0;
    let closed = 0;
    pool.on('connect', () => (connected += 1));
    // pg-pool emits 'remove' once a connection's socket has closed.
    pool.on('remove', () => (closed += 1));
    await openConnections(pool, 4);
    expect(connected).toBe(4);

    await pool.end();
    expect(closed).toBe(connected);
  });

  it('the embedded server stops after the pools closed: no connection is lost on a clean close', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'steward-db-close-'));
    // PostgreSQL runs as the postgres user when tests run as root: the directory must be traversable.
    await chmod(dataDir, 0o755);
    const logs = captureLogs();
    const logger = createLogger({ level: 'debug', redactor: createSecretRedactor(), destination: logs.stream });
    const opened = await openDatabase({ databaseUrl: undefined, dataDir, logger, redactor: createSecretRedactor() });
    await Promise.all([openConnections(opened.pool, 6), openConnections(opened.intakePool, 3)]);

    await opened.close();

    const messages = logs.entries().map((entry) => entry.msg);
    expect(messages.filter((message) => String(message).startsWith('database connection lost'))).toEqual([]);
    expect(messages.at(-1)).toBe('embedded PostgreSQL stopped');
    expect(processesMentioning(dataDir)).toEqual([]);
  });
});
