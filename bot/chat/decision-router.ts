import type { DecisionListener } from '../../graphs/questions.ts';

/**
 * Where a decision goes, by the kind of question it answers: a pull request's to the Renovate worker,
 * everything else to incident handling (which sends "Next time?" answers to the runbooks). Built
 * before chat receives anything, from listeners that already exist.
 */
export function routeDecisions(routes: { pullRequestKinds: ReadonlySet<string>; pullRequests: DecisionListener; incidents: DecisionListener }): DecisionListener {
  return {
    onDecision: (decision) => (routes.pullRequestKinds.has(decision.questionKind) ? routes.pullRequests : routes.incidents).onDecision(decision),
  };
}
