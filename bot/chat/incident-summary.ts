import { alertLines } from '../../graphs/alert-lines.ts';
import type { Queryable } from '../db/pool.ts';
import { createAlertRepository } from '../db/repositories/alerts.ts';
import { createIncidentRepository } from '../db/repositories/incidents.ts';

export interface IncidentSummary {
  id: number;
  title: string;
  status: string;
  flapping: boolean;
  /** One line per firing alert (at most `limit`), then how many more there are (graphs/alert-lines.ts). */
  lines: string[];
  firing: number;
}

/**
 * What a human needs to judge an incident at a glance, from the database: its firing alerts with the
 * labels that tell them apart and their summary, as graphs/alert-lines.ts words them.
 */
export async function summarizeIncident(
  db: Queryable,
  incidentId: number,
  limit = 10,
): Promise<IncidentSummary | undefined> {
  const incident = await createIncidentRepository(db).get(incidentId);
  if (!incident) return undefined;
  const { alerts, total: firing } = await createAlertRepository(db).firing(incidentId, limit);
  const lines = alertLines(alerts, firing, incident.truncatedAlerts);
  return { id: incidentId, title: incident.title, status: incident.status, flapping: incident.flapping, lines, firing };
}
