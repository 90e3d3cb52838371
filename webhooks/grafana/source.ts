import type { AlertGroupEvent, AlertState, ParseResult } from '../intake-event.ts';
import { firstIssue } from '../schema-errors.ts';
import { notificationSchema, type GrafanaAlert, type Notification } from './schema.ts';

/** Grafana alerting's webhook contact point: one notification is one alert group, as with Alertmanager. */
export const grafanaSource = {
  name: 'grafana',
  path: '/webhooks/grafana',
  authentication: 'authorization',
  parse(body: unknown): ParseResult {
    const parsed = notificationSchema.safeParse(body);
    if (!parsed.success) return { ok: false, ...firstIssue(parsed.error) };
    return { ok: true, events: [toEvent(parsed.data)] };
  },
} as const;

function toEvent(notification: Notification): AlertGroupEvent {
  const alerts = notification.alerts.map((alert): AlertState => ({
    fingerprint: alert.fingerprint,
    // Grafana names a rule's alerts by the rule title in `alertname`; a rule without one is still an alert.
    alertname: alert.labels.alertname || 'GrafanaAlert',
    status: alert.status,
    labels: alert.labels,
    annotations: { ...alert.annotations, ...links(alert) },
    startsAt: toDate(alert.startsAt),
    endsAt: alert.status === 'resolved' ? toDate(alert.endsAt) : null,
    generatorUrl: alert.generatorURL || null,
  }));
  const labels = notification.commonLabels;
  const alertname = labels.alertname ?? notification.groupLabels.alertname ?? alerts[0]!.alertname;
  const scope = labels.namespace ?? labels.instance ?? labels.job ?? labels.grafana_folder;
  return {
    kind: 'alert-group',
    source: 'grafana',
    groupKey: notification.groupKey,
    title: scope ? `${alertname} (${scope})` : alertname,
    severity: labels.severity ?? null,
    labels,
    annotations: notification.commonAnnotations,
    alerts,
    truncatedAlerts: notification.truncatedAlerts,
  };
}

/** Grafana's links for one alert (silence it, its dashboard and panel), kept as annotations; empty ones dropped. */
function links(alert: GrafanaAlert): Record<string, string> {
  const found: Record<string, string> = {};
  if (alert.silenceURL) found.silence_url = alert.silenceURL;
  if (alert.dashboardURL) found.dashboard_url = alert.dashboardURL;
  if (alert.panelURL) found.panel_url = alert.panelURL;
  if (alert.imageURL) found.image_url = alert.imageURL;
  return found;
}

/** Grafana zeroes `endsAt` (0001-01-01) for firing alerts, like Alertmanager; that and garbage mean "no time". */
function toDate(value: string | undefined): Date | null {
  if (!value || value.startsWith('0001-')) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
