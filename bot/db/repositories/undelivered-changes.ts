import type { IncidentChange } from '../../../graphs/incident-changes.ts';
import type { Queryable } from '../pool.ts';

/**
 * The `undelivered_changes` table: incident changes intake stored but could not hand over. A claim
 * pushes `next_attempt` past one hand-over's length, so two replicas never hand the same one at once.
 */
export function createUndeliveredChangeRepository(db: Queryable) {
  return {
    async add(change: IncidentChange, error: string): Promise<void> {
      await db.query(
        "INSERT INTO undelivered_changes (incident_id, change, last_error, next_attempt) VALUES ($1, $2, $3, now() + interval '1 second')",
        [change.incidentId, JSON.stringify(change), error],
      );
    },

    /** Up to 20 due changes, each claimed for `claimMs`. */
    async claimDue(claimMs: number): Promise<{ id: string; change: IncidentChange; attempts: number }[]> {
      const result = await db.query<{ id: string; change: IncidentChange; attempts: number }>(
        `UPDATE undelivered_changes SET next_attempt = now() + make_interval(secs => $1)
         WHERE id IN (SELECT id FROM undelivered_changes WHERE next_attempt <= now() ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED)
         RETURNING id, change, attempts`,
        [claimMs / 1000],
      );
      return result.rows;
    },

    async delivered(id: string): Promise<void> {
      await db.query('DELETE FROM undelivered_changes WHERE id = $1', [id]);
    },

    async failedAgain(id: string, error: string, retryInMs: number): Promise<void> {
      await db.query(
        'UPDATE undelivered_changes SET attempts = attempts + 1, last_error = $2, next_attempt = now() + make_interval(secs => $3) WHERE id = $1',
        [id, error, retryInMs / 1000],
      );
    },
  };
}
