import { AGENT_APPROVAL_KIND } from '../../graphs/agent-approval.ts';
import type { DecisionListener } from '../../graphs/questions.ts';

/**
 * Where a decision goes, by the kind of question it answers: a pull request's to the Renovate worker,
 * an agent's approval to the MCP server's waiting calls, everything else to incident handling (which
 * sends "Next time?" answers to the runbooks). Built before chat receives anything, from listeners
 * that already exist.
 */
export function routeDecisions(routes: {
  pullRequestKinds: ReadonlySet<string>;
  pullRequests: DecisionListener;
  incidents: DecisionListener;
  approvals?: DecisionListener;
}): DecisionListener {
  return {
    onDecision: (decision) => {
      if (decision.questionKind === AGENT_APPROVAL_KIND)
        return routes.approvals?.onDecision(decision) ?? Promise.resolve();
      return (routes.pullRequestKinds.has(decision.questionKind) ? routes.pullRequests : routes.incidents).onDecision(
        decision,
      );
    },
  };
}
