import type { Queryable } from '../pool.ts';

export interface ContextEventRow {
  source: string;
  kind: string;
  subject: string;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

/**
 * The `events` table: what happened around incidents without being one (Coroot deployments, GitHub
 * deployment statuses). Intake writes it (bot/intake/store-context-event.ts); these are reads.
 */
export function createContextEventRepository(db: Queryable) {
  return {
    /** Events of one subject (a Coroot application's name) since `since`, newest first. */
    async ofSubject(subject: string, since: Date, limit: number): Promise<ContextEventRow[]> {
      const result = await db.query<{
        source: string;
        kind: string;
        subject: string;
        occurred_at: Date;
        payload: Record<string, unknown>;
      }>(
        'SELECT source, kind, subject, occurred_at, payload FROM events WHERE subject = $1 AND occurred_at >= $2 ORDER BY occurred_at DESC LIMIT $3',
        [subject, since, limit],
      );
      return result.rows.map((row) => ({
        source: row.source,
        kind: row.kind,
        subject: row.subject,
        occurredAt: row.occurred_at,
        payload: row.payload,
      }));
    },
  };
}
