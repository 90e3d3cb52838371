import type { IncidentFlowPorts, IncidentSnapshot } from '../../../graphs/incident/ports.ts';
import { stableLabels } from '../../../runbooks/stable-labels.ts';
import { summaryOf } from '../../chat/incident-summary.ts';
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
      const incident = await createIncidentRepository(pool).get(incidentId);
      if (!incident) return undefined;
      // Read at once, not one after another: every step of the flow takes a snapshot, and in a storm
      // each round trip waits behind the intake's.
      const alertRepository = createAlertRepository(pool);
      const [firing, alerts, suppressed] = await Promise.all([
        alertRepository.firing(incidentId, 10),
        alertRepository.all(incidentId, 20),
        createSuppressionRepository(pool).active(stableLabels(incident.labels).key),
      ]);
      const summary = summaryOf(incident, firing);
      return {
        suppressed,
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
