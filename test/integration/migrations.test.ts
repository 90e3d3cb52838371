import { readdirSync } from 'node:fs';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, runMigrations } from '../../bot/db/migrate.ts';
import { createPool, type Pool } from '../../bot/db/pool.ts';
import { captureLogs } from '../helpers/capture-logs.ts';
import { createTestDatabase, databaseBackends, type TestDatabase } from '../helpers/databases.ts';
import { silentLogger } from '../helpers/silent-logger.ts';
import { pino } from 'pino';

const allMigrations = readdirSync(defaultMigrationsDir)
  .filter((name) => name.endsWith('.sql'))
  .sort();
const allVersions = allMigrations.map((name) => Number(name.slice(0, 3)));

const expectedTables = [
  'actions',
  'agent_approvals',
  'alerts',
  'audit_log',
  'commit_checks',
  'coord_counters',
  'coord_keys',
  'coord_queue',
  'decisions',
  'deliveries',
  'events',
  'inbound_messages',
  'incident_members',
  'incidents',
  'llm_usage',
  'outbox',
  'pull_requests',
  'questions',
  'runbook_revisions',
  'runbook_solutions',
  'runbooks',
  'scheduled_jobs',
  'scheduled_runs',
  'schema_migrations',
  'suppressions',
  'undelivered_changes',
];

for (const backend of databaseBackends()) {
  describe.skipIf(backend.skipReason !== undefined)(
    `migrations on ${backend.name} PostgreSQL${backend.skipReason ? ` (skipped: ${backend.skipReason})` : ''}`,
    () => {
      const cleanups: (() => Promise<void>)[] = [];
      afterEach(async () => {
        for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      });

      async function freshDatabase(): Promise<TestDatabase> {
        const database = await createTestDatabase(backend.adminUrl!);
        cleanups.push(() => database.drop());
        return database;
      }

      function poolOn(database: TestDatabase): Pool {
        const pool = createPool({ connectionString: database.url, logger: silentLogger() });
        cleanups.push(() => pool.end());
        return pool;
      }

      it('creates every table and the LangGraph checkpoint tables', async () => {
        const pool = poolOn(await freshDatabase());
        const result = await runMigrations(pool, silentLogger());
        expect(result.applied).toEqual(allMigrations);
        expect(allMigrations[0]).toBe('001_initial.sql');

        const tables = await pool.query<{ table_name: string }>(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
        );
        expect(tables.rows.map((row) => row.table_name)).toEqual(expectedTables);
        const checkpoints = await pool.query<{ table_name: string }>(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = 'langgraph' ORDER BY table_name",
        );
        expect(checkpoints.rows.map((row) => row.table_name)).toEqual([
          'checkpoint_blobs',
          'checkpoint_migrations',
          'checkpoint_writes',
          'checkpoints',
        ]);
      });

      it('does nothing the second time', async () => {
        const pool = poolOn(await freshDatabase());
        await runMigrations(pool, silentLogger());
        const again = await runMigrations(pool, silentLogger());
        expect(again).toEqual({ applied: [], alreadyApplied: allMigrations.length });
      });

      it('applies each migration once when several processes start together', async () => {
        const database = await freshDatabase();
        const logs = captureLogs();
        const logger = pino({ level: 'info' }, logs.stream);
        const pools = Array.from({ length: 4 }, () => poolOn(database));
        const results = await Promise.all(pools.map((pool) => runMigrations(pool, logger)));

        expect(results.flatMap((result) => result.applied)).toEqual(allMigrations);
        expect(logs.entries().filter((entry) => entry.msg === 'migration applied')).toHaveLength(allMigrations.length);
        const rows = await pools[0]!.query('SELECT version FROM schema_migrations');
        expect(rows.rowCount).toBe(allMigrations.length);
        const checkpointVersions = await pools[0]!.query('SELECT v FROM langgraph.checkpoint_migrations');
        expect(new Set(checkpointVersions.rows.map((row: { v: number }) => row.v)).size).toBe(
          checkpointVersions.rowCount,
        );
      });

      it('rolls back a failing migration, records nothing, and names the file', async () => {
        const pool = poolOn(await freshDatabase());
        const dir = await mkdtemp(path.join(os.tmpdir(), 'steward-migrations-'));
        await cp(defaultMigrationsDir, dir, { recursive: true });
        await writeFile(
          path.join(dir, '099_broken.sql'),
          'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;\n',
        );

        await expect(runMigrations(pool, silentLogger(), dir)).rejects.toMatchObject({
          code: 'migration_failed',
          message: expect.stringContaining('099_broken.sql'),
        });
        const versions = await pool.query<{ version: number }>(
          'SELECT version FROM schema_migrations ORDER BY version',
        );
        expect(versions.rows.map((row) => row.version)).toEqual(allVersions);
        const halfDone = await pool.query("SELECT to_regclass('public.half_done') AS t");
        expect(halfDone.rows[0].t).toBeNull();
      });

      it('refuses to start when an applied migration was edited', async () => {
        const pool = poolOn(await freshDatabase());
        await runMigrations(pool, silentLogger());
        const dir = await mkdtemp(path.join(os.tmpdir(), 'steward-migrations-'));
        await cp(defaultMigrationsDir, dir, { recursive: true });
        await writeFile(path.join(dir, '001_initial.sql'), '-- edited\n', { flag: 'a' });
        await expect(runMigrations(pool, silentLogger(), dir)).rejects.toMatchObject({
          code: 'migration_failed',
          message: expect.stringContaining('001_initial.sql was changed'),
        });
      });
    },
  );
}
