import type { Queryable } from '../pool.ts';

/**
 * The `scheduled_jobs` and `scheduled_runs` tables: when each schedule was first seen, and one row per
 * (job, slot) that ran. Inserting the run row is the claim that makes a slot run once across replicas.
 */
export function createScheduledRunRepository(db: Queryable) {
  return {
    /** The time after which a job's slots count: when it was first seen, or its latest slot that ran. */
    async baseline(job: string, seenAt: Date): Promise<Date> {
      await db.query('INSERT INTO scheduled_jobs (job, first_seen) VALUES ($1, $2) ON CONFLICT (job) DO NOTHING', [
        job,
        seenAt,
      ]);
      const result = await db.query<{ since: Date }>(
        'SELECT GREATEST(j.first_seen, max(r.slot)) AS since FROM scheduled_jobs j LEFT JOIN scheduled_runs r ON r.job = j.job WHERE j.job = $1 GROUP BY j.first_seen',
        [job],
      );
      return result.rows[0]!.since;
    },

    /** The claim: true for the one caller that may run this slot. */
    async claim(job: string, slot: Date): Promise<boolean> {
      const claimed = await db.query(
        'INSERT INTO scheduled_runs (job, slot) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1',
        [job, slot],
      );
      return claimed.rowCount === 1;
    },

    async finish(job: string, slot: Date, outcome: { ok: true } | { ok: false; error: string }): Promise<void> {
      if (outcome.ok)
        await db.query(
          "UPDATE scheduled_runs SET status = 'succeeded', finished_at = now() WHERE job = $1 AND slot = $2",
          [job, slot],
        );
      else
        await db.query(
          "UPDATE scheduled_runs SET status = 'failed', finished_at = now(), error = $3 WHERE job = $1 AND slot = $2",
          [job, slot, outcome.error],
        );
    },
  };
}
