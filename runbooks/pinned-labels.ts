import type { Runbook, Solution } from './runbook-schema.ts';
import { templateLabels } from './templates.ts';

/**
 * Values no sensible pin matches: a trigger pattern that matches one of them matches anything (`.*`,
 * `.+`, `\S+`, `[a-z0-9-]+`), so it does not say which target a fix may act on.
 */
const PROBES = ['', 'x', 'zq9-unpinned-probe-7', 'ZQ9 unpinned probe'];

/** Whether a trigger's label pattern (anchored, as matching anchors it) names a value or a family of values. Pure. */
export function pins(pattern: string | undefined): boolean {
  if (pattern === undefined) return false;
  let expression: RegExp;
  try {
    expression = new RegExp(`^(?:${pattern})$`);
  } catch {
    return false;
  }
  return !PROBES.some((probe) => expression.test(probe));
}

/**
 * The labels a solution's arguments are rendered from that its runbook's trigger does not pin: an
 * alert could name any value there (`namespace=kube-system`), so the fix may not run on its own for
 * it. Empty when every target is pinned (the alert name always is). Pure.
 */
export function unpinnedLabels(runbook: Pick<Runbook, 'trigger'>, solution: Pick<Solution, 'args'>): string[] {
  return templateLabels(solution.args).filter((name) => name !== 'alertname' && !pins(runbook.trigger.labels[name]));
}
