import { createHash } from 'node:crypto';
import type { IncidentChange, IncidentChangeKind } from '../../graphs/incident-changes.ts';
import type { AlertGroupEvent, AlertState } from '../../webhooks/intake-event.ts';
import type { PoolClient } from '../db/pool.ts';
import { createIncidentRepository } from '../db/repositories/incidents.ts';

/**
 * Applies one alert group's full current state to its incident, inside the caller's transaction.
 * Deliveries of the same group are serialized by a transaction-scoped advisory lock, so a notification
 * delivered twice at once (or by two replicas) makes one incident and one set of changes.
 */
export async function storeAlertGroup(client: PoolClient, event: AlertGroupEvent, flapWindowMs: number): Promise<IncidentChange[]> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`incident:${event.source}:${event.groupKey}`]);
  const alerts = uniqueByFingerprint(event.alerts);
  const firing = alerts.filter((alert) => alert.status === 'firing');

  const incidents = createIncidentRepository(client);
  let opening: IncidentChangeKind | undefined;
  let incident = await incidents.findLive(event.source, event.groupKey, { forUpdate: true });
  if (!incident) {
    // A resolved notice for a group with no live incident: nothing is open to close.
    if (firing.length === 0) return [];
    incident = await incidents.reopenIfRecentlyResolved(event.source, event.groupKey, flapWindowMs);
    opening = incident ? 'reopened' : 'opened';
    incident ??= (
      await incidents.openOrGet({
        source: event.source,
        externalKey: event.groupKey,
        title: event.title,
        severity: event.severity,
        labels: event.labels,
        annotations: event.annotations,
      })
    ).incident;
  }
  const incidentId = incident.id;

  const before = await client.query<{ fingerprint: string; status: string }>('SELECT fingerprint, status FROM alerts WHERE incident_id = $1', [incidentId]);
  const wasFiring = new Set(before.rows.filter((row) => row.status === 'firing').map((row) => row.fingerprint));
  await upsertAlerts(client, incidentId, alerts);

  // The notification is the whole group unless the sender truncated it: an alert it no longer lists
  // has ended (e.g. a resolved notice that was never delivered).
  let vanished: string[] = [];
  if (event.truncatedAlerts === 0) {
    const result = await client.query<{ fingerprint: string }>(
      `UPDATE alerts SET status = 'resolved', resolved_at = now()
       WHERE incident_id = $1 AND status = 'firing' AND NOT (fingerprint = ANY($2::text[])) RETURNING fingerprint`,
      [incidentId, alerts.map((alert) => alert.fingerprint)],
    );
    vanished = result.rows.map((row) => row.fingerprint);
  }

  const added = firing.filter((alert) => !wasFiring.has(alert.fingerprint)).map((alert) => alert.fingerprint);
  const resolved = [
    ...alerts.filter((alert) => alert.status === 'resolved' && wasFiring.has(alert.fingerprint)).map((alert) => alert.fingerprint),
    ...vanished,
  ];
  const counted = await client.query<{ firing: string }>("SELECT count(*) AS firing FROM alerts WHERE incident_id = $1 AND status = 'firing'", [incidentId]);
  const firingAlerts = Number(counted.rows[0]!.firing);

  await incidents.recordSeen(incidentId, {
    changed: opening !== undefined || added.length > 0 || resolved.length > 0,
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
    withdrawn = await withdrawOpenQuestions(client, incidentId);
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

/** Every alert of the notification in one statement (a storm of 1,000 alerts is one round trip). */
async function upsertAlerts(client: PoolClient, incidentId: number, alerts: AlertState[]): Promise<void> {
  const rows = alerts.map((alert) => ({
    fingerprint: alert.fingerprint,
    alertname: alert.alertname,
    status: alert.status,
    labels: alert.labels,
    annotations: alert.annotations,
    starts_at: alert.startsAt?.toISOString() ?? null,
    ends_at: alert.endsAt?.toISOString() ?? null,
    generator_url: alert.generatorUrl,
  }));
  await client.query(
    `INSERT INTO alerts (incident_id, fingerprint, alertname, status, labels, annotations, starts_at, ends_at, generator_url, resolved_at)
     SELECT $1, a.fingerprint, a.alertname, a.status, a.labels, a.annotations, a.starts_at, a.ends_at, a.generator_url,
            CASE WHEN a.status = 'resolved' THEN now() END
     FROM jsonb_to_recordset($2::jsonb) AS a(fingerprint text, alertname text, status text, labels jsonb, annotations jsonb,
                                             starts_at timestamptz, ends_at timestamptz, generator_url text)
     ON CONFLICT (incident_id, fingerprint) DO UPDATE SET
       status = EXCLUDED.status, labels = EXCLUDED.labels, annotations = EXCLUDED.annotations,
       starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, generator_url = EXCLUDED.generator_url,
       last_seen = now(),
       resolved_at = CASE WHEN EXCLUDED.status = 'resolved' THEN COALESCE(alerts.resolved_at, now()) END`,
    [incidentId, JSON.stringify(rows)],
  );
}

/** A question still waiting for a human is withdrawn: the incident resolved on its own, nothing runs. */
async function withdrawOpenQuestions(client: PoolClient, incidentId: number): Promise<number[]> {
  const withdrawn = await client.query<{ id: string }>(
    // "Next time?" asks about a fix already done, not about the live incident: it stays open.
    "UPDATE questions SET status = 'withdrawn', closed_at = now() WHERE incident_id = $1 AND status = 'open' AND kind <> 'autonomy' RETURNING id",
    [incidentId],
  );
  return withdrawn.rows.map((row) => Number(row.id));
}

/**
 * What makes a notification a repeat: the same alerts in the same states, equally truncated. Labels
 * and annotations of a repeat are the group's own and do not change its meaning.
 */
export function alertStateDigest(event: AlertGroupEvent): string {
  const states = uniqueByFingerprint(event.alerts)
    .map((alert) => `${alert.fingerprint}=${alert.status}`)
    .sort();
  return createHash('sha256').update(`${event.truncatedAlerts}|${states.join(',')}`).digest('base64url');
}

/** A payload listing one fingerprint twice would make the upsert touch a row twice; the last wins. */
function uniqueByFingerprint(alerts: AlertState[]): AlertState[] {
  return [...new Map(alerts.map((alert) => [alert.fingerprint, alert])).values()];
}
