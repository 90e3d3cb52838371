import { mkdtemp, chmod, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../bot/db/embedded-postgres.ts';
import { silentLogger } from './silent-logger.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    embeddedDatabaseUrl: string;
  }
}

/**
 * One embedded PostgreSQL for the whole run (each test file makes its own databases in it), and the
 * server-backed runs: against TEST_DATABASE_URL / TEST_REDIS_URL when set. Outside CI a missing
 * server is skipped with a message; in CI it is a failure.
 */
export default async function setup(project: TestProject) {
  const missing = ['TEST_DATABASE_URL', 'TEST_REDIS_URL'].filter((name) => !process.env[name]);
  if (missing.length > 0) {
    if (process.env.CI === 'true') {
      throw new Error(
        `CI must run the server-backed tests, but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set`,
      );
    }
    console.warn(
      `[steward tests] skipping server-backed runs: ${missing.join(', ')} not set (embedded PostgreSQL runs still run)`,
    );
  }

  // PostgreSQL runs as the postgres user when tests run as root: the directory must be traversable.
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'steward-test-pg-'));
  await chmod(dataDir, 0o755);
  const embedded = await startEmbeddedPostgres(dataDir, silentLogger());
  project.provide('embeddedDatabaseUrl', embedded.url);

  return async () => {
    await embedded.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
