import type { Runbook, Solution } from './runbook-schema.ts';

/** A solution after the human chose it and verification judged it. Pure. */
export function recordOutcome(solution: Solution, succeeded: boolean, at: Date): Solution {
  const successes = solution.successes + (succeeded ? 1 : 0);
  const failures = solution.failures + (succeeded ? 0 : 1);
  return {
    ...solution,
    human_selected: solution.human_selected + 1,
    successes,
    failures,
    success_rate: Math.round((successes / (successes + failures)) * 1000) / 1000,
    last_used: at.toISOString().slice(0, 10),
  };
}

/** Whether a solution has earned the offer to run on its own: enough approvals, a good enough record. */
export function promotionDue(runbook: Runbook, solution: Solution): boolean {
  const criteria = runbook.promotion_criteria;
  return (
    runbook.automation_level === 'ask_human' &&
    solution.human_selected >= criteria.min_approvals &&
    solution.success_rate >= criteria.min_success_rate
  );
}
