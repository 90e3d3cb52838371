import { z } from 'zod';

/**
 * Alertmanager's webhook body, protocol version 4 (../shared/specs/alertmanager.md). Tolerant of
 * fields newer versions add (`notification_reason`, `routeLabels`, …), strict about those we use.
 */
const stringMap = z.record(z.string(), z.string());

export const alertSchema = z.looseObject({
  status: z.enum(['firing', 'resolved']),
  labels: stringMap.refine((labels) => typeof labels.alertname === 'string' && labels.alertname.length > 0, {
    message: 'must contain a non-empty alertname',
  }),
  annotations: stringMap.default({}),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1),
});

export const notificationSchema = z.looseObject({
  version: z.literal('4', { message: 'must be "4" (Alertmanager webhook protocol version 4)' }),
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
