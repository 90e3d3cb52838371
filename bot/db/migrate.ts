import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import { StewardError } from '../errors.ts';
import type { Logger } from '../logging/index.ts';
import type { Pool, PoolClient } from './pool.ts';

export const defaultMigrationsDir = fileURLToPath(new URL('../../migrations/', import.meta.url));
export const checkpointSchema = 'langgraph';

/** One fixed advisory-lock key for "migrating Steward's schema" (any bigint would do). */
const MIGRATION_LOCK_KEY = 7_345_120_001;

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/**
 * Applies pending migrations and LangGraph's checkpoint tables, once, even when several processes
 * start together: everything runs under a session advisory lock that the others wait for.
 */
export async function runMigrations(
  pool: Pool,
  logger: Logger,
  directory = defaultMigrationsDir,
): Promise<MigrationResult> {
  const files = await readMigrationFiles(directory);
  const lockClient = await pool.connect();
  try {
    await lockClient.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await lockClient.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = await lockClient.query<{ version: number; checksum: string }>(
      'SELECT version, checksum FROM schema_migrations',
    );
    const appliedChecksums = new Map(done.rows.map((row) => [row.version, row.checksum]));
    const applied: string[] = [];
    for (const file of files) {
      const known = appliedChecksums.get(file.version);
      if (known !== undefined) {
        if (known !== file.checksum) {
          throw new StewardError(
            'migration_failed',
            `migration ${file.name} was changed after it was applied; add a new migration instead`,
          );
        }
        continue;
      }
      await applyOne(lockClient, file);
      logger.info({ migration: file.name }, 'migration applied');
      applied.push(file.name);
    }
    await new PostgresSaver(pool, undefined, { schema: checkpointSchema }).setup();
    if (applied.length === 0) logger.info({ version: files.at(-1)?.version ?? 0 }, 'database schema up to date');
    return { applied, alreadyApplied: appliedChecksums.size };
  } finally {
    await lockClient.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    lockClient.release();
  }
}

async function applyOne(client: PoolClient, file: MigrationFile): Promise<void> {
  try {
    await client.query('BEGIN');
    await client.query(file.sql);
    await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
      file.version,
      file.name,
      file.checksum,
    ]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new StewardError('migration_failed', `migration ${file.name} failed: ${reason}`, { cause: error });
  }
}

async function readMigrationFiles(directory: string): Promise<MigrationFile[]> {
  const names = (await readdir(directory)).filter((name) => name.endsWith('.sql')).sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    const match = /^(\d+)_[\w-]+\.sql$/.exec(name);
    if (!match) throw new StewardError('migration_failed', `migration file ${name} must be named NNN_name.sql`);
    const sql = await readFile(path.join(directory, name), 'utf8');
    files.push({ version: Number(match[1]), name, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  const versions = new Set(files.map((file) => file.version));
  if (versions.size !== files.length)
    throw new StewardError('migration_failed', 'two migration files share a version number');
  return files;
}
