import type { IncidentDispatcher } from '../../graphs/incident-changes.ts';
import type { Logger } from '../logging/index.ts';
import type { Metrics } from '../metrics/create-metrics.ts';

/**
 * Until the incident flow consumes changes (the incident-flow issue plugs into the same interface),
 * each change is logged and counted.
 */
export function createLoggingDispatcher(logger: Logger, metrics: Metrics): IncidentDispatcher {
  return {
    dispatch(change) {
      metrics.incidentChanges.inc({ kind: change.kind });
      logger.info(
        {
          incidentId: change.incidentId,
          change: change.kind,
          title: change.title,
          added: change.addedAlerts.length,
          resolved: change.resolvedAlerts.length,
          firing: change.firingAlerts,
          truncated: change.truncatedAlerts,
          flapping: change.flapping,
          withdrawnQuestions: change.withdrawnQuestions,
        },
        'incident change',
      );
      return Promise.resolve();
    },
  };
}
