import type { IncidentChange, IncidentDispatcher } from '../../graphs/incident-changes.ts';
import type { IncidentFlow } from './incident-flow.ts';

/**
 * Incident changes, shared between the flow and plain notices: the flow owns opening (its first
 * question), verification (its "✅ Complete") and withdrawn questions; notices say the rest (new
 * alerts joining, "resolved on its own", a resolution no run was waiting for).
 */
export function createFlowDispatcher(
  flow: Pick<IncidentFlow, 'take'>,
  notices: IncidentDispatcher,
): IncidentDispatcher {
  return {
    async dispatch(change: IncidentChange) {
      if (change.kind === 'opened' || change.kind === 'reopened') {
        await flow.take(change);
        return;
      }
      if (change.kind === 'resolved') {
        const withdrew = change.withdrawnQuestions.length > 0;
        const taken = await flow.take(change);
        if (withdrew || !taken) await notices.dispatch(change);
        return;
      }
      await notices.dispatch(change);
    },
  };
}
