import { inert } from './inert-text.ts';

/** A firing alert as its one line shows it (bot/db/repositories/alerts.ts reads it). */
export interface AlertLineFacts {
  alertname: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  startsAt: Date | null;
}

/** The labels that tell alerts of one name apart, the first one set wins. */
const WHERE_LABELS = ['instance', 'pod', 'job', 'service', 'namespace'] as const;

/**
 * One line per firing alert with the label that tells it apart and its summary, then how many more
 * fire and how many Alertmanager left out. Every part of a line comes from the alert: each is made
 * inert, so no label or annotation can break the line, start one of its own or mention anyone. Pure.
 */
export function alertLines(alerts: readonly AlertLineFacts[], firing: number, truncatedAlerts: number): string[] {
  const lines = alerts.map(alertLine);
  if (firing > lines.length) lines.push(`…and ${firing - lines.length} more`);
  if (truncatedAlerts > 0) lines.push(`(${truncatedAlerts} more alerts were left out by Alertmanager's max_alerts)`);
  return lines;
}

function alertLine(alert: AlertLineFacts): string {
  const where = WHERE_LABELS.map((key) => alert.labels[key]).find(Boolean);
  const severity = alert.labels.severity ? ` [${inert(alert.labels.severity, 20)}]` : '';
  const summary = alert.annotations.summary ?? alert.annotations.description;
  const since = alert.startsAt ? `, since ${alert.startsAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
  return `• ${inert(alert.alertname, 80)}${where ? ` on ${inert(where, 80)}` : ''}${severity}${summary ? `: ${inert(summary, 200).replace(/\.$/, '')}` : ''}${since}`;
}
