import type { ZodError } from 'zod';
import type { AlertGroupEvent, ContextEvent, ParseResult } from '../intake-event.ts';
import { firstIssue } from '../schema-errors.ts';
import { parseApplicationId, type ApplicationId } from './application-id.ts';
import {
  alertSchema,
  deploymentSchema,
  incidentSchema,
  type CorootAlert,
  type CorootDeployment,
  type CorootIncident,
} from './schema.ts';

/** The three Coroot event kinds, told apart by the fields only each has. */
export const corootSource = {
  name: 'coroot',
  path: '/webhooks/coroot',
  authentication: 'authorization',
  parse(body: unknown): ParseResult {
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return {
        ok: false,
        field: '(body)',
        message: 'must be a JSON object: set every Coroot webhook template to {{ json . }}',
      };
    }
    const fields = body as Record<string, unknown>;
    if ('reports' in fields) return parseWith(incidentSchema, body, fromIncident);
    if ('rule_name' in fields) return parseWith(alertSchema, body, fromAlert);
    if ('version' in fields) return parseWith(deploymentSchema, body, fromDeployment);
    return {
      ok: false,
      field: '(body)',
      message: 'is not a Coroot incident, alert or deployment (expected reports, rule_name or version)',
    };
  },
} as const;

interface Schema<T> {
  safeParse(body: unknown): { success: true; data: T } | { success: false; error: ZodError };
}

function parseWith<T>(
  schema: Schema<T>,
  body: unknown,
  convert: (value: T) => AlertGroupEvent | ContextEvent | string,
): ParseResult {
  const parsed = schema.safeParse(body);
  if (!parsed.success) return { ok: false, ...firstIssue(parsed.error) };
  const event = convert(parsed.data);
  if (typeof event === 'string') return { ok: false, field: 'url', message: event };
  return { ok: true, events: [event] };
}

/** Coroot's custom fields (environment, team, …) arrive at the root as extra string values. */
function customFields(value: Record<string, unknown>, known: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(value).filter(([key, v]) => !known.includes(key) && typeof v === 'string') as [string, string][],
  );
}

function applicationLabels(app: ApplicationId): Record<string, string> {
  const labels: Record<string, string> = { application: app.name };
  if (app.namespace) labels.namespace = app.namespace;
  if (app.kind) labels.kind = app.kind;
  if (app.cluster && app.cluster !== '_') labels.cluster = app.cluster;
  return labels;
}

function queryParam(url: string, name: string): string | undefined {
  try {
    return new URL(url).searchParams.get(name) ?? undefined;
  } catch {
    return undefined;
  }
}

function fromIncident(incident: CorootIncident): AlertGroupEvent | string {
  const key = queryParam(incident.url, 'incident');
  if (!key) return 'must carry the incident key as ?incident=… (Coroot incident URL)';
  const app = parseApplicationId(incident.application);
  const labels = {
    ...customFields(incident, Object.keys(incidentSchema.shape)),
    ...applicationLabels(app),
    alertname: 'CorootIncident',
  };
  const annotations: Record<string, string> = {
    summary: incident.reports.map((report) => `${report.name} ${report.check}: ${report.message}`).join('; '),
    url: incident.url,
  };
  if (incident.rca_summary) annotations.rca_summary = incident.rca_summary;
  if (incident.rca_remediations) annotations.rca_remediations = incident.rca_remediations;
  return {
    kind: 'alert-group',
    source: 'coroot',
    groupKey: `incident:${key}`,
    title: `${app.name}: ${incident.reports.map((report) => report.check).join(', ')}`,
    severity: incident.status === 'OK' ? null : incident.status.toLowerCase(),
    labels,
    annotations,
    alerts: [
      {
        fingerprint: `incident:${key}`,
        alertname: 'CorootIncident',
        status: incident.status === 'OK' ? 'resolved' : 'firing',
        labels,
        annotations,
        startsAt: null,
        endsAt: null,
        generatorUrl: incident.url,
      },
    ],
    truncatedAlerts: 0,
  };
}

function fromAlert(alert: CorootAlert): AlertGroupEvent | string {
  const id = queryParam(alert.url, 'alert');
  if (!id) return 'must carry the alert id as ?alert=… (Coroot alert URL)';
  const app = parseApplicationId(alert.application);
  const labels: Record<string, string> = {
    ...customFields(alert, Object.keys(alertSchema.shape)),
    ...applicationLabels(app),
    alertname: alert.rule_name,
  };
  if (alert.severity) labels.severity = alert.severity;
  const annotations: Record<string, string> = { summary: alert.summary, url: alert.url };
  for (const detail of alert.details ?? []) annotations[`detail: ${detail.name}`] = detail.value;
  return {
    kind: 'alert-group',
    source: 'coroot',
    groupKey: `alert:${id}`,
    title: `${alert.rule_name} (${app.name})`,
    severity: alert.severity ?? null,
    labels,
    annotations,
    alerts: [
      {
        fingerprint: `alert:${id}`,
        alertname: alert.rule_name,
        status: alert.status === 'OK' ? 'resolved' : 'firing',
        labels,
        annotations,
        startsAt: null,
        endsAt: null,
        generatorUrl: alert.url,
      },
    ],
    truncatedAlerts: 0,
  };
}

function fromDeployment(deployment: CorootDeployment): ContextEvent | string {
  const id = deployment.url.includes('#') ? deployment.url.slice(deployment.url.indexOf('#') + 1) : '';
  if (!id) return 'must carry the deployment id after # (Coroot deployment URL)';
  const app = parseApplicationId(deployment.application);
  return {
    kind: 'context',
    source: 'coroot',
    eventKind: 'deployment',
    subject: app.name,
    dedupKey: `deployment:${id}:${deployment.status}`,
    payload: {
      application: deployment.application,
      ...applicationLabels(app),
      status: deployment.status,
      version: deployment.version,
      summary: deployment.summary,
      url: deployment.url,
      ...customFields(deployment, Object.keys(deploymentSchema.shape)),
    },
  };
}
