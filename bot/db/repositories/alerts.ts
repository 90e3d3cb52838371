import type { AlertState } from '../../../webhooks/intake-event.ts';
import type { Queryable } from '../pool.ts';

/** An alert of an incident, as messages and models see it. */
export interface AlertRow {
  alertname: string;
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: Date | null;
}

type Row = {
  alertname: string;
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  starts_at: Date | null;
};
const toAlert = (row: Row): AlertRow => ({
  alertname: row.alertname,
  status: row.status,
  labels: row.labels,
  annotations: row.annotations,
  startsAt: row.starts_at,
});

/**
 * The `alerts` table: each alert of an incident, by fingerprint, firing or resolved. Intake writes it
 * (bot/intake/store-alert-group.ts, inside its transaction); the rest of Steward reads it.
 */
export function createAlertRepository(db: Queryable) {
  return {
    /**
     * Every alert of a notification in one statement (a storm of 1,000 alerts is one round trip).
     * `memberOf`: the member group that reports them in a coalesced incident (incident-members.ts), or null.
     */
    async upsertMany(incidentId: number, alerts: readonly AlertState[], memberOf: string | null = null): Promise<void> {
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
      await db.query(
        `INSERT INTO alerts (incident_id, fingerprint, alertname, status, labels, annotations, starts_at, ends_at, generator_url, resolved_at, member_of)
         SELECT $1, a.fingerprint, a.alertname, a.status, a.labels, a.annotations, a.starts_at, a.ends_at, a.generator_url,
                CASE WHEN a.status = 'resolved' THEN now() END, $3
         FROM jsonb_to_recordset($2::jsonb) AS a(fingerprint text, alertname text, status text, labels jsonb, annotations jsonb,
                                                 starts_at timestamptz, ends_at timestamptz, generator_url text)
         ON CONFLICT (incident_id, fingerprint) DO UPDATE SET
           status = EXCLUDED.status, labels = EXCLUDED.labels, annotations = EXCLUDED.annotations,
           starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, generator_url = EXCLUDED.generator_url,
           last_seen = now(),
           resolved_at = CASE WHEN EXCLUDED.status = 'resolved' THEN COALESCE(alerts.resolved_at, now()) END
         -- A source that joined another's incident changes only its own alerts, even under the same
         -- fingerprint: it can neither resolve nor rewrite the alerts of the source that opened it.
         WHERE alerts.member_of IS NOT DISTINCT FROM EXCLUDED.member_of`,
        [incidentId, JSON.stringify(rows), memberOf],
      );
    },

    /** Fingerprints of the incident's alerts firing now. */
    async firingFingerprints(incidentId: number): Promise<string[]> {
      return (
        await db.query<{ fingerprint: string }>(
          "SELECT fingerprint FROM alerts WHERE incident_id = $1 AND status = 'firing'",
          [incidentId],
        )
      ).rows.map((row) => row.fingerprint);
    },

    /** Resolves every firing alert of the incident's group `memberOf` (null: its own) not in `listed`; returns their fingerprints. */
    async resolveAllBut(
      incidentId: number,
      listed: readonly string[],
      memberOf: string | null = null,
    ): Promise<string[]> {
      const result = await db.query<{ fingerprint: string }>(
        `UPDATE alerts SET status = 'resolved', resolved_at = now()
         WHERE incident_id = $1 AND status = 'firing' AND NOT (fingerprint = ANY($2::text[])) AND member_of IS NOT DISTINCT FROM $3 RETURNING fingerprint`,
        [incidentId, listed, memberOf],
      );
      return result.rows.map((row) => row.fingerprint);
    },

    async firingCount(incidentId: number): Promise<number> {
      return Number(
        (
          await db.query<{ firing: string }>(
            "SELECT count(*) AS firing FROM alerts WHERE incident_id = $1 AND status = 'firing'",
            [incidentId],
          )
        ).rows[0]!.firing,
      );
    },

    /** The firing alerts, oldest first, at most `limit`, and how many fire in all. */
    async firing(incidentId: number, limit: number): Promise<{ alerts: AlertRow[]; total: number }> {
      const result = await db.query<Row & { total: string }>(
        `SELECT alertname, status, labels, annotations, starts_at, count(*) OVER () AS total FROM alerts
         WHERE incident_id = $1 AND status = 'firing' ORDER BY starts_at NULLS LAST, id LIMIT $2`,
        [incidentId, limit],
      );
      return { alerts: result.rows.map(toAlert), total: Number(result.rows[0]?.total ?? 0) };
    },

    /** Every alert, firing or not, in arrival order, at most `limit`: what a model may look at. */
    async all(incidentId: number, limit: number): Promise<AlertRow[]> {
      const result = await db.query<Row>(
        'SELECT alertname, status, labels, annotations, starts_at FROM alerts WHERE incident_id = $1 ORDER BY id LIMIT $2',
        [incidentId, limit],
      );
      return result.rows.map(toAlert);
    },

    /**
     * An incident as runbooks see it: the alert name and labels of its first firing alert (else its
     * first alert) under the incident's common labels, and those common labels.
     */
    async identity(
      incidentId: number,
    ): Promise<
      | { alertname: string | null; alertLabels: Record<string, string> | null; common: Record<string, string> }
      | undefined
    > {
      const result = await db.query<{
        labels: Record<string, string>;
        alertname: string | null;
        alert_labels: Record<string, string> | null;
      }>(
        `SELECT i.labels, a.alertname, a.labels AS alert_labels FROM incidents i
         LEFT JOIN LATERAL (SELECT alertname, labels FROM alerts WHERE incident_id = i.id ORDER BY (status = 'firing') DESC, id LIMIT 1) a ON true
         WHERE i.id = $1`,
        [incidentId],
      );
      const row = result.rows[0];
      return row ? { alertname: row.alertname, alertLabels: row.alert_labels, common: row.labels } : undefined;
    },

    /** Each firing alert's name and labels under the incident's common ones, at most 50. */
    async firingTargets(incidentId: number): Promise<{ alertname: string; labels: Record<string, string> }[]> {
      const result = await db.query<{
        alertname: string;
        labels: Record<string, string>;
        common: Record<string, string>;
      }>(
        `SELECT a.alertname, a.labels, i.labels AS common FROM alerts a JOIN incidents i ON i.id = a.incident_id
         WHERE a.incident_id = $1 AND a.status = 'firing' ORDER BY a.id LIMIT 50`,
        [incidentId],
      );
      return result.rows.map((row) => ({ alertname: row.alertname, labels: { ...row.labels, ...row.common } }));
    },

    /**
     * The distinct links back to the Prometheus rules that fired (their graph page carries the
     * expression Steward queries): only of alerts that came through Alertmanager, the incident's own
     * or a member group's. Another source's link (Grafana's points at its own pages) is not read as
     * PromQL, so whoever holds that source's token cannot choose what Steward asks Prometheus.
     */
    async generatorUrls(incidentId: number, limit: number): Promise<string[]> {
      const result = await db.query<{ generator_url: string }>(
        `SELECT a.generator_url FROM alerts a JOIN incidents i ON i.id = a.incident_id
         WHERE a.incident_id = $1 AND a.generator_url IS NOT NULL
           AND COALESCE(split_part(a.member_of, E'\n', 1), i.source) = 'alertmanager'
         GROUP BY a.generator_url ORDER BY bool_or(a.status = 'firing') DESC, min(a.id) LIMIT $2`,
        [incidentId, limit],
      );
      return result.rows.map((row) => row.generator_url);
    },

    /** Alerts firing in live incidents, for /metrics. */
    async firingLiveCount(): Promise<number> {
      const result = await db.query<{ count: string }>(
        "SELECT count(*) FROM alerts a JOIN incidents i ON i.id = a.incident_id WHERE a.status = 'firing' AND i.closed_at IS NULL",
      );
      return Number(result.rows[0]!.count);
    },

    /**
     * Certificates an alert says are expiring (blackbox's SSLCertExpiringSoon, cert-manager's
     * CertManagerCertExpirySoon and the like), first seen before `before` and still firing.
     */
    async expiringCertificates(
      before: Date,
      limit: number,
    ): Promise<{ alertname: string; labels: Record<string, string>; annotations: Record<string, string> }[]> {
      const result = await db.query<{
        alertname: string;
        labels: Record<string, string>;
        annotations: Record<string, string>;
      }>(
        `SELECT DISTINCT ON (fingerprint) alertname, labels, annotations FROM alerts
         WHERE status = 'firing' AND first_seen < $1 AND alertname ~* '(cert|x509|ssl|tls)' ORDER BY fingerprint, last_seen DESC LIMIT $2`,
        [before, limit],
      );
      return result.rows;
    },
  };
}

export type AlertRepository = ReturnType<typeof createAlertRepository>;
