import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { runMigrations } from '../../bot/db/migrate.ts';
import { createPool, type Pool } from '../../bot/db/pool.ts';
import { silentLogger } from './silent-logger.ts';

export interface DatabaseBackend {
  name: 'embedded' | 'server';
  /** A URL on the server with the right to create databases; undefined when skipped. */
  adminUrl: string | undefined;
  skipReason: string | undefined;
}

/** The embedded PostgreSQL always; the real server when TEST_DATABASE_URL is set. */
export function databaseBackends(): DatabaseBackend[] {
  const server = process.env.TEST_DATABASE_URL;
  return [
    { name: 'embedded', adminUrl: inject('embeddedDatabaseUrl'), skipReason: undefined },
    { name: 'server', adminUrl: server, skipReason: server ? undefined : 'TEST_DATABASE_URL not set' },
  ];
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, empty database on the backend's server, so test files never share state. */
export async function createTestDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `steward_t_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      await withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

export interface MigratedDatabase extends TestDatabase {
  pool: Pool;
  close(): Promise<void>;
}

/** A fresh database with every migration applied, and a pool on it. */
export async function createMigratedDatabase(adminUrl: string): Promise<MigratedDatabase> {
  const database = await createTestDatabase(adminUrl);
  const pool = createPool({ connectionString: database.url, logger: silentLogger() });
  await runMigrations(pool, silentLogger());
  return {
    ...database,
    pool,
    async close() {
      await pool.end();
      await database.drop();
    },
  };
}

/**
 * A migrated database on the embedded server for the tests of the surrounding `describe`: created
 * before they run, dropped after. Call it before the file's own hooks, which may then use it; its
 * fields are filled in when the tests start.
 */
export function useMigratedDatabase(): MigratedDatabase {
  const handle = {} as MigratedDatabase;
  beforeAll(async () => {
    Object.assign(handle, await createMigratedDatabase(databaseBackends()[0]!.adminUrl!));
  });
  afterAll(async () => {
    await handle.close?.();
  });
  return handle;
}

async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
