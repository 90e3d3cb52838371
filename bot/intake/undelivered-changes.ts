import { backoffDelay } from '../../graphs/backoff.ts';
import type { IncidentChange, IncidentDispatcher } from '../../graphs/incident-changes.ts';
import type { Queryable } from '../db/pool.ts';
import { createUndeliveredChangeRepository } from '../db/repositories/undelivered-changes.ts';
import type { Logger } from '../logging/index.ts';
import { createPeriodicTask } from '../tasks/periodic-task.ts';

const CLAIM_MS = 120_000;
const MAX_BACKOFF_MS = 60_000;

/**
 * Changes intake stored but could not hand over (Redis down, the flow failing) are kept in PostgreSQL
 * and handed over again, with backoff, until it works. A claim (next_attempt pushed past a dispatch's
 * length) keeps two replicas from handing the same change twice at once; a replica that dies holding
 * one lets it go when the claim runs out. Handing an `opened` twice is harmless: the flow does not
 * start a second run while one is waiting.
 */
export function createUndeliveredChanges(options: {
  db: Queryable;
  dispatcher: IncidentDispatcher;
  logger: Logger;
  everyMs?: number;
}) {
  const changes = createUndeliveredChangeRepository(options.db);

  async function record(change: IncidentChange, error: unknown): Promise<void> {
    await changes.add(change, (error as Error).message ?? String(error));
  }

  /** Hands over every change that is due; returns how many went through. */
  async function retryDue(): Promise<number> {
    const claimed = await changes.claimDue(CLAIM_MS);
    let delivered = 0;
    for (const row of claimed) {
      try {
        await options.dispatcher.dispatch(row.change);
        await changes.delivered(row.id);
        delivered += 1;
        options.logger.info(
          { incidentId: row.change.incidentId, change: row.change.kind, attempts: row.attempts },
          'stored change handed over after an earlier failure',
        );
      } catch (error) {
        const backoff = backoffDelay(row.attempts, { baseMs: 1_000, maxMs: MAX_BACKOFF_MS });
        await changes.failedAgain(row.id, (error as Error).message, backoff);
        options.logger.warn(
          { err: error, incidentId: row.change.incidentId, attempts: row.attempts + 1 },
          'stored change still cannot be handed over; retrying',
        );
      }
    }
    return delivered;
  }

  const task = createPeriodicTask(retryDue, {
    everyMs: options.everyMs ?? 2_000,
    onError: (error) => options.logger.warn({ err: error }, 'retrying undelivered changes failed'),
  });
  return { record, retryDue, start: task.start, stop: task.stop };
}
