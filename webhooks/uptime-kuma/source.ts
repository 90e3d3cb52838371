import type { AlertGroupEvent, ParseResult } from '../intake-event.ts';
import { firstIssue } from '../schema-errors.ts';
import { notificationSchema, type Heartbeat, type Monitor } from './schema.ts';

const DOWN = 0;
const UP = 1;

/** Labels a monitor's tags may not replace: they say what the alert is. */
const ownLabels = new Set(['alertname', 'monitor', 'monitor_id', 'monitor_type']);

/**
 * Uptime Kuma's webhook: one monitor is one alert group. A down beat fires it, an up beat resolves
 * it; Uptime Kuma's resends of a monitor still down are repeats. Pending and maintenance beats (and
 * the Test button's empty notification) are understood and not acted on.
 */
export const uptimeKumaSource = {
  name: 'uptime-kuma',
  path: '/webhooks/uptime-kuma',
  authentication: 'authorization',
  parse(body: unknown): ParseResult {
    const parsed = notificationSchema.safeParse(body);
    if (!parsed.success) return { ok: false, ...firstIssue(parsed.error) };
    const { heartbeat, monitor, msg } = parsed.data;
    if (!heartbeat && !monitor) return { ok: true, events: [], ignored: 'test notification' };
    if (!heartbeat) return { ok: false, field: 'heartbeat', message: 'is missing while monitor is set' };
    if (!monitor) return { ok: false, field: 'monitor', message: 'is missing while heartbeat is set' };
    if (heartbeat.status !== DOWN && heartbeat.status !== UP)
      return { ok: true, events: [], ignored: heartbeat.status === 2 ? 'pending beat' : 'maintenance beat' };
    return { ok: true, events: [toEvent(heartbeat, monitor, msg ?? undefined)] };
  },
} as const;

function toEvent(heartbeat: Heartbeat, monitor: Monitor, line: string | undefined): AlertGroupEvent {
  const labels: Record<string, string> = {};
  for (const tag of monitor.tags ?? []) if (tag.name && !ownLabels.has(tag.name)) labels[tag.name] = tag.value ?? '';
  Object.assign(labels, { alertname: 'MonitorDown', monitor: monitor.name, monitor_id: String(monitor.id) });
  if (monitor.type) labels.monitor_type = monitor.type;
  const target =
    monitor.url && monitor.url !== 'https://'
      ? monitor.url
      : monitor.hostname
        ? `${monitor.hostname}${monitor.port ? `:${monitor.port}` : ''}`
        : undefined;
  if (target && labels.instance === undefined) labels.instance = target;

  const annotations: Record<string, string> = {};
  if (heartbeat.msg) annotations.summary = heartbeat.msg;
  if (line) annotations.description = line;
  if (monitor.pathName && monitor.pathName !== monitor.name) annotations.path = monitor.pathName;

  const key = `monitor:${monitor.id}`;
  const firing = heartbeat.status === DOWN;
  const at = toDate(heartbeat.time);
  return {
    kind: 'alert-group',
    source: 'uptime-kuma',
    groupKey: key,
    title: `${monitor.name} is down`,
    severity: labels.severity ?? null,
    labels,
    annotations,
    alerts: [
      {
        fingerprint: key,
        alertname: 'MonitorDown',
        status: firing ? 'firing' : 'resolved',
        labels,
        annotations,
        startsAt: firing ? at : null,
        endsAt: firing ? null : at,
        generatorUrl: monitor.url && /^https?:\/\/./.test(monitor.url) ? monitor.url : null,
      },
    ],
    truncatedAlerts: 0,
  };
}

/** Uptime Kuma writes beat times in UTC as `2024-09-24 23:51:35.527` (SQL form, no zone). */
function toDate(value: string | undefined): Date | null {
  if (!value) return null;
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(value) ? `${value.replace(' ', 'T')}Z` : value;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}
