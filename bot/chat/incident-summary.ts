import { alertLines } from '../../graphs/alert-lines.ts';
import type { Queryable } from '../db/pool.ts';
import { createAlertRepository, type AlertRow } from '../db/repositories/alerts.ts';
import { createIncidentRepository, type Incident } from '../db/repositories/incidents.ts';

/** The firing alerts as the alert repository reads them: the first few, and how many fire in all. */
type FiringAlerts = { alerts: AlertRow[]; total: number };

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
  return summaryOf(incident, await createAlertRepository(db).firing(incidentId, limit));
}

/** The summary of an incident already read, with its firing alerts (for callers that read both at once). */
export function summaryOf(
  incident: Pick<Incident, 'id' | 'title' | 'status' | 'flapping' | 'truncatedAlerts'>,
  { alerts, total: firing }: FiringAlerts,
): IncidentSummary {
  const lines = alertLines(alerts, firing, incident.truncatedAlerts);
  return {
    id: incident.id,
    title: incident.title,
    status: incident.status,
    flapping: incident.flapping,
    lines,
    firing,
  };
}
