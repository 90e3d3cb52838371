/**
 * What every webhook source turns a delivery into. The intake stores these; nothing here does I/O.
 */
export type SourceName = 'alertmanager' | 'coroot';

export interface AlertState {
  /** Stable per label set (Alertmanager's fingerprint, Coroot's incident or alert id). */
  fingerprint: string;
  alertname: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: Date | null;
  endsAt: Date | null;
  generatorUrl: string | null;
}

/** The full current state of one alert group: becomes (or updates) one incident. */
export interface AlertGroupEvent {
  kind: 'alert-group';
  source: SourceName;
  groupKey: string;
  title: string;
  severity: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  alerts: AlertState[];
  /** Alerts the sender left out (Alertmanager `max_alerts`). */
  truncatedAlerts: number;
}

/** Something that happened and gives context to incidents (a deployment), stored once per key. */
export interface ContextEvent {
  kind: 'context';
  source: SourceName;
  eventKind: 'deployment';
  subject: string;
  dedupKey: string;
  payload: Record<string, unknown>;
}

export type IntakeEvent = AlertGroupEvent | ContextEvent;

export type ParseResult = { ok: true; events: IntakeEvent[] } | { ok: false; field: string; message: string };
