import type { IncidentFlowPorts } from '../../../graphs/incident/ports.ts';
import { stableLabels } from '../../../runbooks/stable-labels.ts';
import { createIncidentRepository } from '../../db/repositories/incidents.ts';
import { createSuppressionRepository } from '../../db/repositories/suppressions.ts';
import { SNOOZE_QUEUE } from '../incident-flow.ts';
import type { PortContext } from './context.ts';

/** Ending an incident without a fix: dismissed (and the same alert kept quiet), or snoozed. */
export function dismissPorts(context: PortContext): Pick<IncidentFlowPorts, 'dismiss' | 'snooze'> {
  const incidents = createIncidentRepository(context.pool);
  return {
    async dismiss(incidentId, reason, actor) {
      // Still live for intake (its repeats keep arriving); `closed` says nobody needs to act on it.
      await incidents.dismiss(incidentId, reason);
      const match = stableLabels((await incidents.get(incidentId))?.labels ?? {});
      await createSuppressionRepository(context.pool).add({
        matchKey: match.key,
        labels: match.labels,
        forMs: context.ignoreMs,
        actor: actor ?? null,
        reason,
        incidentId,
      });
      await context.audit.record({
        actor: actor ?? 'steward',
        channel: 'flow',
        action: 'incident.dismiss',
        subject: `incident:${incidentId}`,
        outcome: reason,
      });
    },

    async snooze(incidentId, durationMs) {
      await incidents.markWaiting(incidentId);
      await context.coordination.schedule(SNOOZE_QUEUE, String(incidentId), new Date(Date.now() + durationMs));
    },
  };
}
