import type { Coordination } from '../coordination/index.ts';
import type { Queryable } from '../db/pool.ts';
import { createDeliveryRepository } from '../db/repositories/deliveries.ts';
import { createPullRequestRepository } from '../db/repositories/pull-requests.ts';
import type { Logger } from '../logging/index.ts';
import { createPeriodicTask } from '../tasks/periodic-task.ts';

const HOUR_MS = 3_600_000;

/** Deletes raw deliveries (and commit check states) older than the retention; one replica at a time, hourly and at start. */
export function createDeliveryRetention(options: {
  db: Queryable;
  coordination: Coordination;
  logger: Logger;
  days: number;
  everyMs?: number;
}) {
  async function purge(): Promise<number> {
    const lock = await options.coordination.acquireLock('delivery-retention', 10 * 60_000);
    if (!lock) return 0;
    try {
      const deleted = await createDeliveryRepository(options.db).deleteOlderThan(options.days);
      if (deleted > 0) options.logger.info({ deleted, days: options.days }, 'old deliveries deleted');
      await createPullRequestRepository(options.db).deleteChecksOlderThan(options.days);
      return deleted;
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
