import type { AlertGroupEvent, AlertState, ParseResult } from '../intake-event.ts';
import { firstIssue } from '../schema-errors.ts';
import { notificationSchema, type Notification } from './schema.ts';

export const alertmanagerSource = {
  name: 'alertmanager',
  path: '/webhooks/alertmanager',
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
    alertname: alert.labels.alertname!,
    status: alert.status,
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt: toDate(alert.startsAt),
    endsAt: alert.status === 'resolved' ? toDate(alert.endsAt) : null,
    generatorUrl: alert.generatorURL || null,
  }));
  const labels = notification.commonLabels;
  const alertname = labels.alertname ?? notification.groupLabels.alertname ?? alerts[0]!.alertname;
  const scope = labels.namespace ?? labels.instance ?? labels.job;
  return {
    kind: 'alert-group',
    source: 'alertmanager',
    groupKey: notification.groupKey,
    title: scope ? `${alertname} (${scope})` : alertname,
    severity: labels.severity ?? null,
    labels,
    annotations: notification.commonAnnotations,
    alerts,
    truncatedAlerts: notification.truncatedAlerts,
  };
}

/** Alertmanager zeroes `endsAt` (0001-01-01) for firing alerts; that and garbage mean "no time". */
function toDate(value: string | undefined): Date | null {
  if (!value || value.startsWith('0001-')) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
