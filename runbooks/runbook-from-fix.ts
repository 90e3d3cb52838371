import type { Runbook } from './runbook-schema.ts';
import { stableLabels } from './stable-labels.ts';
import { templateArgs, templateLabels } from './templates.ts';

/**
 * A new runbook from a fix the human approved and verification confirmed: triggered by the alert name
 * and its stable labels (matched exactly), with the arguments templated back from the labels so the
 * next pod of the same kind fits. Every label an argument is rendered from is pinned by the trigger
 * (the pod's family, `radarr-\d+`, or its exact value), so the runbook may one day run alone, and only
 * on targets of that kind. It is named by the owner's words when they gave some (`custom:`), else by
 * its call: never by a model's label alone. Pure.
 */
export function runbookFromFix(
  alert: { alertname: string; labels: Record<string, string>; common: Record<string, string> },
  action: { tool: string; arguments: Record<string, unknown> },
  facts: { ownerWords?: string; impact?: string; risk?: 'low' | 'medium' | 'high'; reversible?: boolean },
  /** The call in plain words (graphs/tool-call.ts `describeCall`), for a runbook named by its call. */
  describe: (call: { tool: string; arguments: Record<string, unknown> }) => string,
  now = new Date(),
): Runbook {
  const stable = stableLabels(alert.common).labels;
  delete stable.alertname;
  const scope = stable.namespace ?? stable.job ?? stable.service ?? Object.values(stable)[0];
  const slug = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 48) || 'fix';
  const day = now.toISOString().slice(0, 10);
  const args = templateArgs(action.arguments, alert.labels);
  const trigger = Object.fromEntries(Object.entries(stable).map(([name, value]) => [name, escapeRegExp(value)]));
  for (const name of templateLabels(args))
    if (trigger[name] === undefined && alert.labels[name] !== undefined)
      trigger[name] = familyPattern(alert.labels[name]);
  return {
    id: slug(`${alert.alertname}${scope ? `-${scope}` : ''}`),
    created: day,
    trigger: { alertname: alert.alertname, labels: trigger },
    solutions: [
      {
        id: slug(action.tool.split('.').at(-1)!).replace(/-/g, '_'),
        description: facts.ownerWords?.trim() || describe({ tool: action.tool, arguments: args }),
        action: action.tool,
        args,
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

/**
 * A pod name's family: a StatefulSet's `radarr-0` → `radarr-\d+`, a Deployment's
 * `radarr-7d9f8c6b5-x2k4q` → `radarr-[a-z0-9]{5,10}-[a-z0-9]{5}`; any other value exactly.
 */
export function familyPattern(value: string): string {
  const ordinal = /^(.+)-\d+$/.exec(value);
  if (ordinal) return `${escapeRegExp(ordinal[1]!)}-\\d+`;
  const replicaSet = /^(.+)-[a-z0-9]{5,10}-[a-z0-9]{5}$/.exec(value);
  if (replicaSet) return `${escapeRegExp(replicaSet[1]!)}-[a-z0-9]{5,10}-[a-z0-9]{5}`;
  return escapeRegExp(value);
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The comment a runbook learned from a fix is written with (above its YAML, and in its commit). */
export function learnedFromIncident(incidentId: number): string {
  return `Learned from incident #${incidentId}, approved in chat.`;
}
