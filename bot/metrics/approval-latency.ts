import type { DecisionListener } from '../../graphs/questions.ts';
import type { Queryable } from '../db/pool.ts';
import type { Logger } from '../logging/index.ts';
import type { Metrics } from './create-metrics.ts';

/**
 * Times each decision a person made (question asked → decided, from the stored rows) into
 * `steward_approval_latency_seconds`, then hands it on. Steward's own decisions (a promoted runbook)
 * are not counted, and a failed measurement never stands in the decision's way.
 */
export function timeDecisions(listener: DecisionListener, deps: { db: Queryable; metrics: Pick<Metrics, 'approvalLatency'>; logger: Logger }): DecisionListener {
  return {
    async onDecision(decision) {
      try {
        const result = await deps.db.query<{ kind: string; seconds: string }>(
          `SELECT q.kind, extract(epoch FROM d.decided_at - q.created_at) AS seconds
           FROM decisions d JOIN questions q ON q.id = d.question_id WHERE d.question_id = $1 AND d.actor <> 'steward'`,
          [decision.questionId],
        );
        const row = result.rows[0];
        if (row) deps.metrics.approvalLatency.observe({ kind: row.kind }, Math.max(0, Number(row.seconds)));
      } catch (error) {
        deps.logger.debug({ err: error, questionId: decision.questionId }, 'approval latency not measured');
      }
      await listener.onDecision(decision);
    },
  };
}
