import type { Queryable } from '../db/pool.ts';
import { createAlertRepository } from '../db/repositories/alerts.ts';
import type { AlertIdentity } from '../../runbooks/match-runbooks.ts';

/**
 * An incident as runbooks see it: its alert name and labels (the first firing alert's, under the
 * incident's common labels). Learning writes a runbook from it and matching reads one with it, so
 * both must use this one lookup.
 */
export async function incidentIdentity(
  db: Queryable,
  incidentId: number,
): Promise<(AlertIdentity & { common: Record<string, string> }) | undefined> {
  const row = await createAlertRepository(db).identity(incidentId);
  if (!row) return undefined;
  const labels = { ...(row.alertLabels ?? {}), ...row.common };
  return { alertname: row.alertname ?? labels.alertname ?? '', labels, common: row.common };
}

/**
 * Each firing alert of an incident as runbooks see it (its labels under the incident's common ones):
 * the targets a runbook's fix is rendered for, one call each. The identity's labels when none fires.
 */
export async function incidentTargets(db: Queryable, incidentId: number): Promise<AlertIdentity[]> {
  const targets = await createAlertRepository(db).firingTargets(incidentId);
  if (targets.length > 0) return targets;
  const identity = await incidentIdentity(db, incidentId);
  return identity ? [{ alertname: identity.alertname, labels: identity.labels }] : [];
}
