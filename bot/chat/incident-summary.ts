import { inert } from '../../graphs/inert-text.ts';
import type { Queryable } from '../db/pool.ts';
import { createAlertRepository } from '../db/repositories/alerts.ts';
import { createIncidentRepository } from '../db/repositories/incidents.ts';

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
export async function summarizeIncident(
  db: Queryable,
  incidentId: number,
  limit = 10,
): Promise<IncidentSummary | undefined> {
  const incident = await createIncidentRepository(db).get(incidentId);
  if (!incident) return undefined;
  const { alerts, total: firing } = await createAlertRepository(db).firing(incidentId, limit);
  // Every part of a line comes from the alert: each is made inert, so no label or annotation can
  // break the line, start one of its own or mention anyone.
  const lines = alerts.map((alert) => {
    const where = ['instance', 'pod', 'job', 'service', 'namespace'].map((key) => alert.labels[key]).find(Boolean);
    const severity = alert.labels.severity ? ` [${inert(alert.labels.severity, 20)}]` : '';
    const summary = alert.annotations.summary ?? alert.annotations.description;
    const since = alert.startsAt ? `, since ${alert.startsAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
    return `• ${inert(alert.alertname, 80)}${where ? ` on ${inert(where, 80)}` : ''}${severity}${summary ? `: ${inert(summary, 200).replace(/\.$/, '')}` : ''}${since}`;
  });
  if (firing > lines.length) lines.push(`…and ${firing - lines.length} more`);
  if (incident.truncatedAlerts > 0)
    lines.push(`(${incident.truncatedAlerts} more alerts were left out by Alertmanager's max_alerts)`);
  return { id: incidentId, title: incident.title, status: incident.status, flapping: incident.flapping, lines, firing };
}
