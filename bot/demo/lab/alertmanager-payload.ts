import type { LabAlert } from './lab-state.ts';

/** What Alertmanager groups by in the demo's route: one group per rule and namespace. */
export const GROUP_BY = ['alertname', 'namespace'] as const;
/** Go's zero time: Alertmanager's `endsAt` for an alert that is still firing. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface AlertGroup {
  key: string;
  labels: Record<string, string>;
}

/** The group an alert belongs to, keyed as Alertmanager keys it: `<route key>:<group labels>`. */
export function groupOf(alert: LabAlert): AlertGroup {
  const labels = Object.fromEntries(
    GROUP_BY.filter((name) => alert.labels[name] !== undefined).map((name) => [name, alert.labels[name]!]),
  );
  const text = Object.entries(labels)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(', ');
  return { key: `{}:{${text}}`, labels };
}

function common(maps: readonly Record<string, string>[]): Record<string, string> {
  const [first, ...rest] = maps;
  if (!first) return {};
  return Object.fromEntries(Object.entries(first).filter(([name, value]) => rest.every((map) => map[name] === value)));
}

function sorted(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The webhook body Alertmanager (v0.27–0.31, as in test/fixtures/alertmanager-real-capture.json)
 * posts for one group: the whole current state of the group, firing and newly resolved alerts alike.
 */
export function alertmanagerPayload(group: AlertGroup, alerts: readonly LabAlert[], externalUrl: string) {
  const firing = alerts.some((alert) => !alert.endsAt);
  return {
    receiver: 'steward',
    status: firing ? 'firing' : 'resolved',
    alerts: alerts.map((alert) => ({
      status: alert.endsAt ? 'resolved' : 'firing',
      labels: sorted(alert.labels),
      annotations: sorted(alert.annotations),
      startsAt: alert.startsAt,
      endsAt: alert.endsAt ?? ZERO_TIME,
      generatorURL: `${externalUrl.replace(/:\d+$/, '')}:9090/graph?g0.expr=${encodeURIComponent(`container_memory_working_set_bytes / container_spec_memory_limit_bytes >= 0.9`)}&g0.tab=1`,
      fingerprint: alert.fingerprint,
    })),
    groupLabels: sorted(group.labels),
    commonLabels: sorted(common(alerts.map((alert) => alert.labels))),
    commonAnnotations: sorted(common(alerts.map((alert) => alert.annotations))),
    externalURL: externalUrl,
    version: '4',
    groupKey: group.key,
    truncatedAlerts: 0,
  };
}

export type AlertmanagerPayload = ReturnType<typeof alertmanagerPayload>;
