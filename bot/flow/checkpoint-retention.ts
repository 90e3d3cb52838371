import type { Coordination } from '../coordination/index.ts';
import { checkpointSchema } from '../db/migrate.ts';
import type { Queryable } from '../db/pool.ts';
import { createCheckpointRepository } from '../db/repositories/checkpoints.ts';
import type { Logger } from '../logging/index.ts';
import { createPeriodicTask } from '../tasks/periodic-task.ts';

const HOUR_MS = 3_600_000;
/** Incidents per statement: a short transaction each, so the flow's checkpoint writes never wait long. */
const BATCH = 200;

/**
 * Deletes the LangGraph checkpoints of incidents closed longer than CHECKPOINT_RETENTION ago (one
 * replica at a time, at start and hourly). A closed incident's run is over: nothing resumes it, and
 * what it did is kept in the incident, decisions, actions and audit tables, which stay.
 */
export function createCheckpointRetention(options: {
  db: Queryable;
  coordination: Coordination;
  logger: Logger;
  retentionMs: number;
  everyMs?: number;
  now?: () => Date;
}) {
  const checkpoints = createCheckpointRepository(options.db, checkpointSchema);

  async function purge(): Promise<number> {
    const lock = await options.coordination.acquireLock('checkpoint-retention', 10 * 60_000);
    if (!lock) return 0;
    try {
      const cutoff = new Date((options.now?.() ?? new Date()).getTime() - options.retentionMs);
      let total = 0;
      for (;;) {
        const deleted = await checkpoints.deleteClosedBefore(cutoff, BATCH);
        total += deleted;
        if (deleted < BATCH) break;
        await lock.extend(10 * 60_000);
      }
      if (total > 0)
        options.logger.info(
          { incidents: total, retentionMs: options.retentionMs },
          'checkpoints of closed incidents deleted',
        );
      return total;
    } finally {
      await lock.release();
    }
  }

  const task = createPeriodicTask(purge, {
    everyMs: options.everyMs ?? HOUR_MS,
    onError: (error) => options.logger.warn({ err: error }, 'checkpoint retention failed'),
  });

  return { purge, start: task.start, stop: task.stop };
}
