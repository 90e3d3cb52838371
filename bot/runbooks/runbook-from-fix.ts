import type { Runbook } from '../../runbooks/runbook-schema.ts';
import { templateArgs } from '../../runbooks/templates.ts';
import { stableLabels } from '../../runbooks/stable-labels.ts';

/**
 * A new runbook from a fix the human approved and verification confirmed: triggered by the alert name
 * and its stable labels (matched exactly), with the arguments templated back from the labels so the
 * next pod of the same kind fits.
 */
export function runbookFromFix(
  alert: { alertname: string; labels: Record<string, string>; common: Record<string, string> },
  label: string,
  action: { tool: string; arguments: Record<string, unknown> },
  facts: { impact?: string; risk?: 'low' | 'medium' | 'high'; reversible?: boolean },
  now = new Date(),
): Runbook {
  const stable = stableLabels(alert.common).labels;
  delete stable.alertname;
  const scope = stable.namespace ?? stable.job ?? stable.service ?? Object.values(stable)[0];
  const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 48) || 'fix';
  const day = now.toISOString().slice(0, 10);
  return {
    id: slug(`${alert.alertname}${scope ? `-${scope}` : ''}`),
    created: day,
    trigger: { alertname: alert.alertname, labels: Object.fromEntries(Object.entries(stable).map(([name, value]) => [name, value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')])) },
    solutions: [
      {
        id: slug(action.tool.split('.').at(-1)!).replace(/-/g, '_'),
        description: label,
        action: action.tool,
        args: templateArgs(action.arguments, alert.labels),
        ...(facts.impact ? { impact: facts.impact } : {}),
        risk: facts.risk ?? 'medium',
        reversible: facts.reversible ?? false,
        human_selected: 1,
        successes: 1,
        failures: 0,
        success_rate: 1,
        last_used: day,
      },
    ],
    automation_level: 'ask_human',
    promotion_criteria: { min_approvals: 5, min_success_rate: 0.95, blast_radius: 'single_pod' },
  };
}
