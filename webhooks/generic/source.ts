import type { AlertGroupEvent, ParseResult } from '../intake-event.ts';
import type { Headers, WebhookSource } from '../webhook-source.ts';
import { formatFieldPath, readFieldPath, type PathPart } from './field-path.ts';
import type { GenericMapping } from './schema.ts';

/**
 * Any JSON webhook, posted to /webhooks/generic/<name> and read by that name's mapping from
 * STEWARD_CONFIG. One dedup key value is one alert group; the resolved values close it.
 */
export function createGenericSource(mappings: Readonly<Record<string, GenericMapping>>): WebhookSource {
  return {
    name: 'generic',
    path: '/webhooks/generic/:name',
    authentication: 'authorization',
    parse(body: unknown, _headers?: Headers, params?: Readonly<Record<string, string>>): ParseResult {
      const name = params?.name ?? '';
      const mapping = Object.hasOwn(mappings, name) ? mappings[name] : undefined;
      if (!mapping)
        return { ok: false, field: 'name', message: `no generic webhook is configured as ${JSON.stringify(name)}` };
      if (!body || typeof body !== 'object' || Array.isArray(body))
        return { ok: false, field: '(body)', message: 'must be a JSON object' };
      return toEvent(name, mapping, body);
    },
  };
}

type Read = { ok: true; value: string | undefined } | { ok: false; field: string; message: string };

/** A selected value as text: strings, numbers and booleans are; objects and lists are not. */
function read(body: unknown, parts: readonly PathPart[], required: boolean): Read {
  const value = readFieldPath(body, parts);
  const field = formatFieldPath(parts);
  if (value === undefined || value === null)
    return required ? { ok: false, field, message: 'is required' } : { ok: true, value: undefined };
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return { ok: true, value: String(value) };
  return { ok: false, field, message: 'must be a string, number or boolean' };
}

function toEvent(name: string, mapping: GenericMapping, body: object): ParseResult {
  const title = read(body, mapping.title, true);
  if (!title.ok) return title;
  const key = read(body, mapping.dedupKey, true);
  if (!key.ok) return key;
  if (!key.value) return { ok: false, field: formatFieldPath(mapping.dedupKey), message: 'must not be empty' };
  let resolved = false;
  if (mapping.status) {
    const raw = readFieldPath(body, mapping.status);
    const status = read(body, mapping.status, true);
    if (!status.ok) return status;
    resolved = mapping.resolvedValues.some((value) => value === raw || String(value) === status.value);
  }
  const labels: Record<string, string> = { ...mapping.staticLabels };
  for (const [label, parts] of Object.entries(mapping.labels)) {
    const value = read(body, parts, false);
    if (!value.ok) return value;
    if (value.value !== undefined) labels[label] = value.value;
  }
  labels.alertname ??= name;
  const annotations: Record<string, string> = {};
  for (const [annotation, parts] of Object.entries(mapping.annotations)) {
    const value = read(body, parts, false);
    if (!value.ok) return value;
    if (value.value !== undefined) annotations[annotation] = value.value;
  }
  let severity: string | null = labels.severity ?? null;
  if (mapping.severity) {
    const value = read(body, mapping.severity, false);
    if (!value.ok) return value;
    severity = value.value ?? severity;
  }
  const groupKey = `${name}:${key.value}`;
  const event: AlertGroupEvent = {
    kind: 'alert-group',
    source: 'generic',
    groupKey,
    title: title.value!,
    severity,
    labels,
    annotations,
    alerts: [
      {
        fingerprint: groupKey,
        alertname: labels.alertname,
        status: resolved ? 'resolved' : 'firing',
        labels,
        annotations,
        startsAt: null,
        endsAt: null,
        generatorUrl: null,
      },
    ],
    truncatedAlerts: 0,
  };
  return { ok: true, events: [event] };
}
