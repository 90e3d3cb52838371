import type { Queryable } from '../pool.ts';

/** A context event as a source reported it (a deployment, a Coroot incident, a deployment status). */
export interface NewEvent {
  source: string;
  kind: string;
  subject: string;
  payload: unknown;
  dedupKey: string | null;
}

/** The `events` table: context that is not an alert, kept to explain alerts (deployments shortly before one). */
export function createEventRepository(db: Queryable) {
  return {
    /** Stores the event once per dedup key; true when it was new. */
    async insertOnce(event: NewEvent): Promise<boolean> {
      const result = await db.query(
        `INSERT INTO events (source, kind, subject, occurred_at, payload, dedup_key) VALUES ($1, $2, $3, now(), $4, $5)
         ON CONFLICT (source, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING RETURNING id`,
        [event.source, event.kind, event.subject, event.payload, event.dedupKey],
      );
      return result.rowCount === 1;
    },

    /** Deployments from two hours before `at` until now, newest first. */
    async deploymentsAround(at: Date, limit: number): Promise<{ subject: string; occurredAt: Date }[]> {
      const result = await db.query<{ subject: string; occurred_at: Date }>(
        `SELECT subject, occurred_at FROM events WHERE kind = 'deployment' AND occurred_at BETWEEN $1::timestamptz - interval '2 hours' AND now()
         ORDER BY occurred_at DESC LIMIT $2`,
        [at, limit],
      );
      return result.rows.map((row) => ({ subject: row.subject, occurredAt: row.occurred_at }));
    },
  };
}
