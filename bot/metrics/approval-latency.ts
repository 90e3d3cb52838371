import type { DecisionListener } from '../../graphs/questions.ts';
import type { Queryable } from '../db/pool.ts';
import { createDecisionRepository } from '../db/repositories/decisions.ts';
import type { Logger } from '../logging/index.ts';
import type { Metrics } from './create-metrics.ts';

/**
 * Times each decision a person made (question asked → decided, from the stored rows) into
 * `steward_approval_latency_seconds`, then hands it on. Steward's own decisions (a promoted runbook)
 * are not counted, and a failed measurement never stands in the decision's way.
 */
export function timeDecisions(
  listener: DecisionListener,
  deps: { db: Queryable; metrics: Pick<Metrics, 'approvalLatency'>; logger: Logger },
): DecisionListener {
  const decisions = createDecisionRepository(deps.db);
  return {
    async onDecision(decision) {
      try {
        const latency = await decisions.latency(decision.questionId);
        if (latency) deps.metrics.approvalLatency.observe({ kind: latency.kind }, Math.max(0, latency.seconds));
      } catch (error) {
        deps.logger.debug({ err: error, questionId: decision.questionId }, 'approval latency not measured');
      }
      await listener.onDecision(decision);
    },
  };
}
