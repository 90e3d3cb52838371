import { createHash } from 'node:crypto';
import type { IncidentChange, IncidentChangeKind } from '../../graphs/incident-changes.ts';
import type { AlertGroupEvent, AlertState } from '../../webhooks/intake-event.ts';
import type { PoolClient } from '../db/pool.ts';
import { createAlertRepository } from '../db/repositories/alerts.ts';
import { createIncidentMemberRepository, memberOf } from '../db/repositories/incident-members.ts';
import { createIncidentRepository } from '../db/repositories/incidents.ts';
import { correlationKey } from '../../runbooks/correlation-key.ts';
import { createQuestionRepository } from '../db/repositories/questions.ts';

/**
 * Applies one alert group's full current state to its incident, inside the caller's transaction.
 * Deliveries of the same group are serialized by a transaction-scoped advisory lock, so a notification
 * delivered twice at once (or by two replicas) makes one incident and one set of changes.
 */
export async function storeAlertGroup(
  client: PoolClient,
  event: AlertGroupEvent,
  flapWindowMs: number,
  coalesceLabels: readonly string[] = [],
): Promise<IncidentChange[]> {
  const incidents = createIncidentRepository(client);
  const alertRows = createAlertRepository(client);
  const members = createIncidentMemberRepository(client);
  await incidents.lockGroupForTransaction(event.source, event.groupKey);
  const alerts = uniqueByFingerprint(event.alerts);
  const firing = alerts.filter((alert) => alert.status === 'firing');

  let opening: IncidentChangeKind | undefined;
  // Set when this group belongs to an incident another source opened (coalesced): its alerts are its own there.
  let member: string | null = null;
  let incident = await incidents.findLive(event.source, event.groupKey, { forUpdate: true });
  if (!incident) {
    incident = await members.findLive(event.source, event.groupKey);
    if (incident) member = memberOf(event.source, event.groupKey);
  }
  if (!incident) {
    // A resolved notice for a group with no live incident: nothing is open to close.
    if (firing.length === 0) return [];
    // Another source's live incident about the same thing comes first: one live incident, not two.
    const correlation = correlationKey(event.labels, coalesceLabels);
    if (correlation) {
      incident = await members.joinCorrelated(event.source, event.groupKey, correlation);
      if (incident) member = memberOf(event.source, event.groupKey);
    }
    if (!incident) {
      incident = await incidents.reopenIfRecentlyResolved(event.source, event.groupKey, flapWindowMs);
      opening = incident ? 'reopened' : 'opened';
    }
    if (!incident) {
      incident = (
        await incidents.openOrGet({
          source: event.source,
          externalKey: event.groupKey,
          title: event.title,
          severity: event.severity,
          labels: event.labels,
          annotations: event.annotations,
        })
      ).incident;
      if (correlation) await incidents.setCorrelationKey(incident.id, correlation);
    }
  }
  const incidentId = incident.id;

  const wasFiring = new Set(await alertRows.firingFingerprints(incidentId));
  await alertRows.upsertMany(incidentId, alerts, member);

  // The notification is the whole group unless the sender truncated it: an alert it no longer lists
  // has ended (e.g. a resolved notice that was never delivered). Only this group's own alerts: a
  // coalesced incident's other sources end theirs themselves.
  const vanished =
    event.truncatedAlerts === 0
      ? await alertRows.resolveAllBut(
          incidentId,
          alerts.map((alert) => alert.fingerprint),
          member,
        )
      : [];

  const added = firing.filter((alert) => !wasFiring.has(alert.fingerprint)).map((alert) => alert.fingerprint);
  const resolved = [
    ...alerts
      .filter((alert) => alert.status === 'resolved' && wasFiring.has(alert.fingerprint))
      .map((alert) => alert.fingerprint),
    ...vanished,
  ];
  const firingAlerts = await alertRows.firingCount(incidentId);

  const changed = opening !== undefined || added.length > 0 || resolved.length > 0;
  // A member's notification does not describe the incident: its title, labels and repeat digest stay the opener's.
  if (member) await incidents.recordMemberSeen(incidentId, changed);
  else
    await incidents.recordSeen(incidentId, {
      changed,
      truncatedAlerts: event.truncatedAlerts,
      title: event.title,
      severity: event.severity,
      labels: event.labels,
      annotations: event.annotations,
      stateDigest: alertStateDigest(event),
    });
  let withdrawn: number[] = [];
  if (firingAlerts === 0) {
    await incidents.resolve(incidentId);
    // A question still waiting for a human is withdrawn: the incident resolved on its own, nothing runs.
    withdrawn = await createQuestionRepository(client).withdrawOpenOfIncident(incidentId);
  }

  const change = (kind: IncidentChangeKind, addedAlerts: string[], resolvedAlerts: string[]): IncidentChange => ({
    kind,
    incidentId,
    source: event.source,
    externalKey: event.groupKey,
    title: event.title,
    addedAlerts,
    resolvedAlerts,
    firingAlerts,
    truncatedAlerts: event.truncatedAlerts,
    flapping: incident.flapping,
    withdrawnQuestions: kind === 'resolved' ? withdrawn : [],
  });
  if (opening) return [change(opening, added, [])];
  const changes: IncidentChange[] = [];
  if (added.length > 0) changes.push(change('alerts_added', added, []));
  if (resolved.length > 0) changes.push(change(firingAlerts === 0 ? 'resolved' : 'alerts_resolved', [], resolved));
  return changes;
}

/**
 * What makes a notification a repeat: the same alerts in the same states, equally truncated. Labels
 * and annotations of a repeat are the group's own and do not change its meaning.
 */
export function alertStateDigest(event: AlertGroupEvent): string {
  const states = uniqueByFingerprint(event.alerts)
    .map((alert) => `${alert.fingerprint}=${alert.status}`)
    .sort();
  return createHash('sha256')
    .update(`${event.truncatedAlerts}|${states.join(',')}`)
    .digest('base64url');
}

/** A payload listing one fingerprint twice would make the upsert touch a row twice; the last wins. */
function uniqueByFingerprint(alerts: AlertState[]): AlertState[] {
  return [...new Map(alerts.map((alert) => [alert.fingerprint, alert])).values()];
}
