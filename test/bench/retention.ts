import { pino } from 'pino';
import { createPostgresCoordination } from '../../bot/coordination/index.ts';
import { checkpointSchema, runMigrations } from '../../bot/db/migrate.ts';
import { createPool } from '../../bot/db/pool.ts';
import { createCheckpointRetention } from '../../bot/flow/checkpoint-retention.ts';
import { bytesOfIncident, insertIncident, writeCheckpoints } from '../helpers/closed-incidents.ts';
import { freshDatabase } from './ingest.ts';

const INCIDENTS = 10_000;
const DAY = 86_400_000;
const RETENTION_DAYS = 7;
/** Closed evenly over this many days: about a quarter are within the retention and keep their checkpoints. */
const SPREAD_DAYS = 30;

export interface RetentionFigures {
  incidents: number;
  withinRetention: number;
  checkpointBytesPerIncident: number;
  keptBytesPerIncident: number;
  databaseBytesBefore: number;
  databaseBytesAfter: number;
  databaseBytesAfterVacuumFull: number;
  checkpointTableBytesBefore: number;
  checkpointTableBytesAfter: number;
  purgeMs: number;
}

/**
 * 10,000 closed incidents, each with the rows Steward keeps and the checkpoints of a real
 * `PostgresSaver` run (one incident's written by LangGraph, copied to the others in SQL so the bench
 * takes seconds, not an hour), closed evenly over 30 days; then one retention run at 7 days.
 */
export async function retentionBenchmark(adminUrl: string): Promise<RetentionFigures> {
  const logger = pino({ level: 'warn' });
  const pool = createPool({ connectionString: await freshDatabase(adminUrl, 'steward_bench_retention'), logger });
  try {
    await runMigrations(pool, logger);
    const now = Date.now();
    const closedAt = (n: number) => new Date(now - ((n + 0.5) / INCIDENTS) * SPREAD_DAYS * DAY);
    const template = await insertIncident(pool, closedAt(0));
    await writeCheckpoints(pool, [template]);
    const sample = await bytesOfIncident(pool, template);
    for (let n = 1; n < INCIDENTS; n += 8) {
      await Promise.all(
        Array.from({ length: Math.min(8, INCIDENTS - n) }, (_, k) => insertIncident(pool, closedAt(n + k))),
      );
    }
    const tables = {
      checkpoints: 'thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata',
      checkpoint_blobs: 'thread_id, checkpoint_ns, channel, version, type, blob',
      checkpoint_writes: 'thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, blob',
    };
    for (const [table, columns] of Object.entries(tables)) {
      const rest = columns.slice('thread_id, '.length);
      await pool.query(
        `INSERT INTO "${checkpointSchema}".${table} (${columns}) SELECT i.id::text, ${rest} FROM "${checkpointSchema}".${table} t CROSS JOIN incidents i WHERE t.thread_id = $1 AND i.id <> $2`,
        [String(template), template],
      );
    }
    await pool.query('VACUUM ANALYZE');
    const sizes = async () => {
      const result = await pool.query<{ database: string; checkpoints: string }>(
        `SELECT pg_database_size(current_database()) AS database,
                pg_total_relation_size('"${checkpointSchema}".checkpoints') + pg_total_relation_size('"${checkpointSchema}".checkpoint_blobs') + pg_total_relation_size('"${checkpointSchema}".checkpoint_writes') AS checkpoints`,
      );
      return { database: Number(result.rows[0]!.database), checkpoints: Number(result.rows[0]!.checkpoints) };
    };
    const before = await sizes();
    const retention = createCheckpointRetention({
      db: pool,
      coordination: createPostgresCoordination(pool),
      logger,
      retentionMs: RETENTION_DAYS * DAY,
      now: () => new Date(now),
    });
    const started = performance.now();
    const deleted = await retention.purge();
    const purgeMs = performance.now() - started;
    // Plain VACUUM (what autovacuum does) makes the space reusable, not smaller on disk; VACUUM FULL shows what is live.
    await pool.query('VACUUM ANALYZE');
    const after = await sizes();
    await pool.query(
      `VACUUM FULL "${checkpointSchema}".checkpoints, "${checkpointSchema}".checkpoint_blobs, "${checkpointSchema}".checkpoint_writes`,
    );
    const compacted = await sizes();
    const kept = await bytesOfIncident(pool, template);
    return {
      incidents: INCIDENTS,
      withinRetention: INCIDENTS - deleted,
      checkpointBytesPerIncident: sample.checkpoints,
      keptBytesPerIncident: kept.kept,
      databaseBytesBefore: before.database,
      databaseBytesAfter: after.database,
      databaseBytesAfterVacuumFull: compacted.database,
      checkpointTableBytesBefore: before.checkpoints,
      checkpointTableBytesAfter: compacted.checkpoints,
      purgeMs,
    };
  } finally {
    await pool.end();
  }
}
