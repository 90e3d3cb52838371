import type { Queryable } from '../pool.ts';
import { createIncidentRepository, type Incident } from './incidents.ts';

/**
 * The `incident_members` table: alert groups of other sources that joined a live incident because
 * their coalescing labels agree (runbooks/correlation-key.ts). The incident's own columns
 * (`correlation_key`, when it was seen) are written by the incidents repository. Intake calls these
 * inside its transaction, holding the group's advisory lock.
 */
export function createIncidentMemberRepository(db: Queryable) {
  const incidents = createIncidentRepository(db);
  return {
    /** The live incident this group joined as a member, locked until the transaction ends. */
    async findLive(source: string, externalKey: string): Promise<Incident | undefined> {
      const result = await db.query<{ id: string }>(
        `SELECT i.id FROM incident_members m JOIN incidents i ON i.id = m.incident_id
         WHERE m.source = $1 AND m.external_key = $2 AND i.closed_at IS NULL
         ORDER BY i.id DESC LIMIT 1 FOR UPDATE OF i`,
        [source, externalKey],
      );
      return result.rows[0] ? incidents.get(Number(result.rows[0].id)) : undefined;
    },

    /**
     * Joins the oldest live incident another source opened with the same correlation key, if any.
     * Serialized per key, so that two sources firing at once make one incident, not two.
     */
    async joinCorrelated(source: string, externalKey: string, correlationKey: string): Promise<Incident | undefined> {
      await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`correlate:${correlationKey}`]);
      const found = await db.query<{ id: string }>(
        `SELECT id FROM incidents WHERE correlation_key = $1 AND closed_at IS NULL AND source <> $2
         ORDER BY opened_at, id LIMIT 1 FOR UPDATE`,
        [correlationKey, source],
      );
      const id = found.rows[0]?.id;
      if (!id) return undefined;
      await db.query(
        'INSERT INTO incident_members (incident_id, source, external_key) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [id, source, externalKey],
      );
      return incidents.get(Number(id));
    },
  };
}

/** The `alerts.member_of` value of a member group's alerts. */
export function memberOf(source: string, externalKey: string): string {
  return `${source}\n${externalKey}`;
}
