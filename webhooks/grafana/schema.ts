import { z } from 'zod';

/**
 * Grafana unified alerting's webhook body, payload version 1 (Grafana's webhook-notifier docs; the
 * same shape as Alertmanager's plus per-alert links and values). Tolerant of the fields Grafana adds
 * or deprecates (`title`, `state`, `message`, `orgId`, `values`, `imageURL`), strict about those we use.
 */
const stringMap = z.record(z.string(), z.string());

export const alertSchema = z.looseObject({
  status: z.enum(['firing', 'resolved']),
  labels: stringMap,
  annotations: stringMap.default({}),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1),
  silenceURL: z.string().optional(),
  dashboardURL: z.string().optional(),
  panelURL: z.string().optional(),
  imageURL: z.string().optional(),
});

export const notificationSchema = z.looseObject({
  version: z.literal('1', { message: 'must be "1" (Grafana webhook payload version 1)' }),
  groupKey: z.string().min(1),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().optional(),
  alerts: z.array(alertSchema).min(1),
  groupLabels: stringMap.default({}),
  commonLabels: stringMap.default({}),
  commonAnnotations: stringMap.default({}),
  externalURL: z.string().optional(),
  truncatedAlerts: z.number().int().min(0).default(0),
});

export type Notification = z.infer<typeof notificationSchema>;
export type GrafanaAlert = z.infer<typeof alertSchema>;
