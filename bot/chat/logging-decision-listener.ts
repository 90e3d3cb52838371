import type { DecisionListener } from '../../graphs/questions.ts';
import { describeAnswer } from '../../graphs/questions.ts';
import type { Logger } from '../logging/index.ts';

/**
 * Until the incident flow consumes decisions (it implements the same interface), each decision is
 * logged; it is already stored, audited and followed up in chat by the question desk.
 */
export function createLoggingDecisionListener(logger: Logger): DecisionListener {
  return {
    onDecision(decision) {
      logger.info(
        { questionId: decision.questionId, incidentId: decision.incidentId, question: decision.questionKind, answer: describeAnswer(decision.answer), actor: decision.actor, channel: decision.channel },
        'decision recorded',
      );
      return Promise.resolve();
    },
  };
}
