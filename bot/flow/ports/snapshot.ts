import type { IncidentFlowPorts, IncidentSnapshot } from '../../../graphs/incident/ports.ts';
import { stableLabels } from '../../../runbooks/stable-labels.ts';
import { summarizeIncident } from '../../chat/incident-summary.ts';
import { createAlertRepository } from '../../db/repositories/alerts.ts';
import { createIncidentRepository } from '../../db/repositories/incidents.ts';
import { createSuppressionRepository } from '../../db/repositories/suppressions.ts';
import { evidenceFacts, storedInvestigation } from '../../investigation/stored-evidence.ts';
import type { PortContext } from './context.ts';

/** What the flow sees of an incident at each step, and the record that it was not asked about. */
export function snapshotPorts(context: PortContext): Pick<IncidentFlowPorts, 'snapshot' | 'suppressed'> {
  const { pool } = context;
  return {
    async snapshot(incidentId): Promise<IncidentSnapshot | undefined> {
      const summary = await summarizeIncident(pool, incidentId);
      if (!summary) return undefined;
      const incident = (await createIncidentRepository(pool).get(incidentId))!;
      const alerts = await createAlertRepository(pool).all(incidentId, 20);
      return {
        suppressed: await createSuppressionRepository(pool).active(stableLabels(incident.labels).key),
        id: incidentId,
        title: summary.title,
        alertLines: summary.lines,
        flapping: summary.flapping,
        resolved: incident.closedAt !== null || incident.status === 'resolved',
        facts: {
          title: summary.title,
          source: incident.source,
          labels: incident.labels,
          annotations: incident.annotations,
          alerts: alerts.map((alert) => ({
            alertname: alert.alertname,
            status: alert.status,
            labels: alert.labels,
            annotations: alert.annotations,
            starts_at: alert.startsAt,
          })),
          // What investigations gathered: the proposals and plans are grounded in it.
          ...evidenceOf(incident.analysis),
        },
      };
    },

    async suppressed(snapshot) {
      await context.audit.record({
        actor: 'steward',
        channel: 'flow',
        action: 'incident.suppressed',
        subject: `incident:${snapshot.id}`,
        outcome: 'not asked: the owner said this alert is expected',
      });
    },
  };
}

function evidenceOf(analysis: Record<string, unknown>): {
  evidence?: ReturnType<typeof evidenceFacts>;
  investigationDiagnosis?: string;
} {
  const stored = storedInvestigation(analysis);
  const evidence = evidenceFacts(stored);
  return {
    ...(evidence.length > 0 ? { evidence } : {}),
    ...(stored.diagnosis ? { investigationDiagnosis: stored.diagnosis } : {}),
  };
}
