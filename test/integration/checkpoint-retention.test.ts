import { describe, expect, it } from 'vitest';
import { createPostgresCoordination } from '../../bot/coordination/index.ts';
import { createCheckpointRetention } from '../../bot/flow/checkpoint-retention.ts';
import { checkpointSchema } from '../../bot/db/migrate.ts';
import { createCheckpointRepository } from '../../bot/db/repositories/checkpoints.ts';
import { bytesOfIncident, insertIncident, writeCheckpoints } from '../helpers/closed-incidents.ts';
import { useMigratedDatabase } from '../helpers/databases.ts';
import { silentLogger } from '../helpers/silent-logger.ts';

const DAY = 86_400_000;

/**
 * Bounded storage: the LangGraph checkpoints of incidents closed longer than CHECKPOINT_RETENTION ago
 * are deleted; the incident, its alert, question, decision, action and audit entries stay, and so do
 * the checkpoints of open incidents and of ones closed more recently.
 */
describe('checkpoint retention', () => {
  const database = useMigratedDatabase();

  it('deletes the checkpoints of incidents closed past the retention and keeps everything else', async () => {
    const now = new Date();
    const old = [
      await insertIncident(database.pool, new Date(now.getTime() - 8 * DAY)),
      await insertIncident(database.pool, new Date(now.getTime() - 30 * DAY)),
    ];
    const recent = await insertIncident(database.pool, new Date(now.getTime() - 6 * DAY));
    const open = await insertIncident(database.pool, undefined);
    await writeCheckpoints(database.pool, [...old, recent, open]);
    const checkpoints = createCheckpointRepository(database.pool, checkpointSchema);
    // A thread that is no incident's (another graph's) is not touched either.
    await database.pool.query(
      `INSERT INTO "${checkpointSchema}".checkpoints (thread_id, checkpoint_ns, checkpoint_id, checkpoint, metadata) VALUES ('report:weekly', '', 'c1', '{}', '{}')`,
    );

    const before = await bytesOfIncident(database.pool, old[0]!);
    const tablesBefore = await checkpoints.totalBytes();
    const retention = createCheckpointRetention({
      db: database.pool,
      coordination: createPostgresCoordination(database.pool),
      logger: silentLogger(),
      retentionMs: 7 * DAY,
      now: () => now,
    });
    expect(await retention.purge()).toBe(2);

    for (const id of old) expect(await checkpoints.has(id)).toBe(false);
    expect(await checkpoints.has(recent)).toBe(true);
    expect(await checkpoints.has(open)).toBe(true);
    expect(
      (await database.pool.query(`SELECT 1 FROM "${checkpointSchema}".checkpoints WHERE thread_id = 'report:weekly'`))
        .rowCount,
    ).toBe(1);
    for (const table of ['checkpoint_blobs', 'checkpoint_writes']) {
      const left = await database.pool.query(
        `SELECT count(*)::int AS n FROM "${checkpointSchema}".${table} WHERE thread_id = ANY($1)`,
        [old.map(String)],
      );
      expect(left.rows[0].n, table).toBe(0);
    }
    // What the incident was, who decided, what ran and the audit trail all stay.
    for (const id of old) {
      const kept = await database.pool.query<{
        incidents: number;
        alerts: number;
        decisions: number;
        actions: number;
        audit: number;
      }>(
        `SELECT (SELECT count(*)::int FROM incidents WHERE id = $1) AS incidents, (SELECT count(*)::int FROM alerts WHERE incident_id = $1) AS alerts,
                (SELECT count(*)::int FROM decisions d JOIN questions q ON q.id = d.question_id WHERE q.incident_id = $1) AS decisions,
                (SELECT count(*)::int FROM actions WHERE incident_id = $1) AS actions, (SELECT count(*)::int FROM audit_log WHERE subject = 'incident:' || $1) AS audit`,
        [id],
      );
      expect(kept.rows[0]).toEqual({ incidents: 1, alerts: 1, decisions: 1, actions: 1, audit: 2 });
    }

    const after = await bytesOfIncident(database.pool, old[0]!);
    expect(before.checkpoints).toBeGreaterThan(5_000);
    expect(after.checkpoints).toBe(0);
    expect(after.kept).toBe(before.kept);
    // The figure BENCHMARKS.md records: what a closed incident costs once its checkpoints are gone.
    expect(after.kept).toBeLessThan(3_000);
    console.log(
      `bytes per closed incident: ${before.kept + before.checkpoints} before retention (${before.checkpoints} of them checkpoints), ${after.kept} after; checkpoint tables ${tablesBefore} bytes before`,
    );

    // A second run finds nothing more to delete.
    expect(await retention.purge()).toBe(0);
  });

  it('runs on one replica at a time', async () => {
    const coordination = createPostgresCoordination(database.pool);
    const held = await coordination.acquireLock('checkpoint-retention', 60_000);
    const id = await insertIncident(database.pool, new Date(Date.now() - 30 * DAY));
    await writeCheckpoints(database.pool, [id]);
    const retention = createCheckpointRetention({
      db: database.pool,
      coordination,
      logger: silentLogger(),
      retentionMs: 7 * DAY,
    });
    expect(await retention.purge()).toBe(0);
    expect(await createCheckpointRepository(database.pool, checkpointSchema).has(id)).toBe(true);
    await held!.release();
    expect(await retention.purge()).toBe(1);
  });
});
