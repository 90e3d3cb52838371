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

/**
 * Each firing alert of an incident as runbooks see it (its labels under the incident's common ones):
 * the targets a runbook's fix is rendered for, one call each. The identity's labels when none fires.
 */
export async function incidentTargets(db: Queryable, incidentId: number): Promise<AlertIdentity[]> {
  const result = await db.query<{ alertname: string; labels: Record<string, string>; common: Record<string, string> }>(
    `SELECT a.alertname, a.labels, i.labels AS common FROM alerts a JOIN incidents i ON i.id = a.incident_id
     WHERE a.incident_id = $1 AND a.status = 'firing' ORDER BY a.id LIMIT 50`,
    [incidentId],
  );
  if (result.rows.length > 0) return result.rows.map((row) => ({ alertname: row.alertname, labels: { ...row.labels, ...row.common } }));
  const identity = await incidentIdentity(db, incidentId);
  return identity ? [{ alertname: identity.alertname, labels: identity.labels }] : [];
}
