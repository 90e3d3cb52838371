import type { Queryable } from '../db/pool.ts';
import type { AlertIdentity } from '../../runbooks/match-runbooks.ts';

/**
 * An incident as runbooks see it: its alert name and labels (the first firing alert's, under the
 * incident's common labels). Learning writes a runbook from it and matching reads one with it, so
 * both must use this one lookup.
 */
export async function incidentIdentity(db: Queryable, incidentId: number): Promise<(AlertIdentity & { common: Record<string, string> }) | undefined> {
  const result = await db.query<{ labels: Record<string, string>; alertname: string | null; alert_labels: Record<string, string> | null }>(
    `SELECT i.labels, a.alertname, a.labels AS alert_labels FROM incidents i
     LEFT JOIN LATERAL (SELECT alertname, labels FROM alerts WHERE incident_id = i.id ORDER BY (status = 'firing') DESC, id LIMIT 1) a ON true
     WHERE i.id = $1`,
    [incidentId],
  );
  const row = result.rows[0];
  if (!row) return undefined;
  const labels = { ...(row.alert_labels ?? {}), ...row.labels };
  return { alertname: row.alertname ?? labels.alertname ?? '', labels, common: row.labels };
}
