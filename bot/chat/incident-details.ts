import { incidentDetailsMessage } from '../../graphs/incident-details.ts';
import type { Queryable } from '../db/pool.ts';
import { createActionRepository } from '../db/repositories/actions.ts';
import { createDeliveryRepository } from '../db/repositories/deliveries.ts';
import { createEventRepository } from '../db/repositories/events.ts';
import { createIncidentRepository } from '../db/repositories/incidents.ts';
import { createQuestionRepository } from '../db/repositories/questions.ts';
import { summarizeIncident } from './incident-summary.ts';

/**
 * `details`: gathers what graphs/incident-details.ts shows about an incident (its alerts, labels and
 * annotations, how often it was reported, deployments before it, the open question's calls, what ran,
 * the models' reasoning) from the database. Undefined when there is no such incident.
 */
export async function incidentDetails(
  db: Queryable,
  incidentId: number,
): Promise<{ title: string; body: string } | undefined> {
  const summary = await summarizeIncident(db, incidentId, 50);
  if (!summary) return undefined;
  const incident = (await createIncidentRepository(db).get(incidentId))!;
  return incidentDetailsMessage({
    id: summary.id,
    title: summary.title,
    status: summary.status,
    flapping: summary.flapping,
    firing: summary.firing,
    alertLines: summary.lines,
    source: incident.source,
    openedAt: incident.openedAt,
    labels: incident.labels,
    annotations: incident.annotations,
    seen: await createDeliveryRepository(db).ofIncident(incidentId),
    deployments: await createEventRepository(db).deploymentsAround(incident.openedAt, 3),
    openOptions: await createQuestionRepository(db).openOptionsOfIncident(incidentId),
    actions: await createActionRepository(db).recent(incidentId, 3),
    // As the flow kept it (bot/flow/flow-ports.ts `remember`); every field is optional.
    analysis: incident.analysis,
  });
}
