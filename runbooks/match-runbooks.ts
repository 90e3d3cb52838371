import type { Runbook } from './runbook-schema.ts';

export interface AlertIdentity {
  alertname: string;
  labels: Readonly<Record<string, string>>;
}

/**
 * The runbooks whose trigger fits the alert, most specific first: the alert name must be equal and
 * every label pattern must match the whole label value. Specificity is the number of label patterns;
 * runbooks equally specific are all returned, for the human to choose between. Pure.
 */
export function matchRunbooks(runbooks: readonly Runbook[], alert: AlertIdentity): Runbook[] {
  const matching = runbooks.filter(
    (runbook) =>
      runbook.trigger.alertname === alert.alertname &&
      Object.entries(runbook.trigger.labels).every(
        ([label, pattern]) =>
          alert.labels[label] !== undefined && new RegExp(`^(?:${pattern})$`).test(alert.labels[label]),
      ),
  );
  const specificity = (runbook: Runbook) => Object.keys(runbook.trigger.labels).length;
  const best = Math.max(...matching.map(specificity));
  return matching.filter((runbook) => specificity(runbook) === best);
}
