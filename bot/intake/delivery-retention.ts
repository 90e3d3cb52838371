import type { Coordination } from '../coordination/index.ts';
import type { Queryable } from '../db/pool.ts';
import type { Logger } from '../logging/index.ts';
import { createPeriodicTask } from '../tasks/periodic-task.ts';

const HOUR_MS = 3_600_000;

/** Deletes raw deliveries (and commit check states) older than the retention; one replica at a time, hourly and at start. */
export function createDeliveryRetention(options: { db: Queryable; coordination: Coordination; logger: Logger; days: number; everyMs?: number }) {

  async function purge(): Promise<number> {
    const lock = await options.coordination.acquireLock('delivery-retention', 10 * 60_000);
    if (!lock) return 0;
    try {
      const result = await options.db.query('DELETE FROM deliveries WHERE received_at < now() - make_interval(days => $1)', [options.days]);
      if (result.rowCount) options.logger.info({ deleted: result.rowCount, days: options.days }, 'old deliveries deleted');
      // Check states arrive for every commit of a followed repository; only recent ones are ever shown.
      await options.db.query('DELETE FROM commit_checks WHERE updated_at < now() - make_interval(days => $1)', [options.days]);
      return result.rowCount ?? 0;
    } finally {
      await lock.release();
    }
  }

  const task = createPeriodicTask(purge, {
    everyMs: options.everyMs ?? HOUR_MS,
    onError: (error) => options.logger.warn({ err: error }, 'delivery retention failed'),
  });

  return {
    purge,
    start: task.start,
    stop: task.stop,
  };
}
