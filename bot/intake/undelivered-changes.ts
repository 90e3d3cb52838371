import { backoffDelay } from '../../graphs/backoff.ts';
import type { IncidentChange, IncidentDispatcher } from '../../graphs/incident-changes.ts';
import type { Queryable } from '../db/pool.ts';
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
export function createUndeliveredChanges(options: { db: Queryable; dispatcher: IncidentDispatcher; logger: Logger; everyMs?: number }) {
  async function record(change: IncidentChange, error: unknown): Promise<void> {
    await options.db.query('INSERT INTO undelivered_changes (incident_id, change, last_error, next_attempt) VALUES ($1, $2, $3, now() + interval \'1 second\')', [
      change.incidentId,
      JSON.stringify(change),
      (error as Error).message ?? String(error),
    ]);
  }

  /** Hands over every change that is due; returns how many went through. */
  async function retryDue(): Promise<number> {
    const claimed = await options.db.query<{ id: string; change: IncidentChange; attempts: number }>(
      `UPDATE undelivered_changes SET next_attempt = now() + make_interval(secs => $1)
       WHERE id IN (SELECT id FROM undelivered_changes WHERE next_attempt <= now() ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED)
       RETURNING id, change, attempts`,
      [CLAIM_MS / 1000],
    );
    let delivered = 0;
    for (const row of claimed.rows) {
      try {
        await options.dispatcher.dispatch(row.change);
        await options.db.query('DELETE FROM undelivered_changes WHERE id = $1', [row.id]);
        delivered += 1;
        options.logger.info({ incidentId: row.change.incidentId, change: row.change.kind, attempts: row.attempts }, 'stored change handed over after an earlier failure');
      } catch (error) {
        const backoff = backoffDelay(row.attempts, { baseMs: 1_000, maxMs: MAX_BACKOFF_MS });
        await options.db.query('UPDATE undelivered_changes SET attempts = attempts + 1, last_error = $2, next_attempt = now() + make_interval(secs => $3) WHERE id = $1', [row.id, (error as Error).message, backoff / 1000]);
        options.logger.warn({ err: error, incidentId: row.change.incidentId, attempts: row.attempts + 1 }, 'stored change still cannot be handed over; retrying');
      }
    }
    return delivered;
  }

  const task = createPeriodicTask(retryDue, { everyMs: options.everyMs ?? 2_000, onError: (error) => options.logger.warn({ err: error }, 'retrying undelivered changes failed') });
  return { record, retryDue, start: task.start, stop: task.stop };
}
