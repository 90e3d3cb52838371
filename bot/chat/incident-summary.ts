import { inert } from '../../graphs/inert-text.ts';
import type { Queryable } from '../db/pool.ts';

export interface IncidentSummary {
  id: number;
  title: string;
  status: string;
  flapping: boolean;
  /** One line per firing alert (at most `limit`), then how many more there are. */
  lines: string[];
  firing: number;
}

/**
 * What a human needs to judge an incident at a glance, from the database: its firing alerts with the
 * labels that tell them apart and their summary. Text from alerts is shown as data, never obeyed.
 */
export async function summarizeIncident(db: Queryable, incidentId: number, limit = 10): Promise<IncidentSummary | undefined> {
  const incident = await db.query<{ title: string; status: string; flapping: boolean; truncated_alerts: number }>(
    'SELECT title, status, flapping, truncated_alerts FROM incidents WHERE id = $1',
    [incidentId],
  );
  const row = incident.rows[0];
  if (!row) return undefined;
  const alerts = await db.query<{ alertname: string; labels: Record<string, string>; annotations: Record<string, string>; starts_at: Date | null; total: string }>(
    `SELECT alertname, labels, annotations, starts_at, count(*) OVER () AS total FROM alerts
     WHERE incident_id = $1 AND status = 'firing' ORDER BY starts_at NULLS LAST, id LIMIT $2`,
    [incidentId, limit],
  );
  const firing = Number(alerts.rows[0]?.total ?? 0);
  // Every part of a line comes from the alert: each is made inert, so no label or annotation can
  // break the line, start one of its own or mention anyone.
  const lines = alerts.rows.map((alert) => {
    const where = ['instance', 'pod', 'job', 'service', 'namespace'].map((key) => alert.labels[key]).find(Boolean);
    const severity = alert.labels.severity ? ` [${inert(alert.labels.severity, 20)}]` : '';
    const summary = alert.annotations.summary ?? alert.annotations.description;
    const since = alert.starts_at ? `, since ${alert.starts_at.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
    return `• ${inert(alert.alertname, 80)}${where ? ` on ${inert(where, 80)}` : ''}${severity}${summary ? `: ${inert(summary, 200).replace(/\.$/, '')}` : ''}${since}`;
  });
  if (firing > lines.length) lines.push(`…and ${firing - lines.length} more`);
  if (row.truncated_alerts > 0) lines.push(`(${row.truncated_alerts} more alerts were left out by Alertmanager's max_alerts)`);
  return { id: incidentId, title: row.title, status: row.status, flapping: row.flapping, lines, firing };
}
