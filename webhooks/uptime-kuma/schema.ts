import { z } from 'zod';

/**
 * Uptime Kuma's webhook notification, JSON body (server/notification-providers/webhook.js):
 * `{ heartbeat, monitor, msg }`, where `heartbeat` is the beat's toJSON plus the server's time zone
 * (server/model/monitor.js sendNotification) and `monitor` is Monitor.toJSON without sensitive data.
 * The "Test" button sends both as null. Tolerant of the many monitor fields we do not use.
 */
export const heartbeatSchema = z.looseObject({
  monitorID: z.number().int().optional(),
  // 0 down, 1 up, 2 pending, 3 maintenance (server/model/heartbeat.js, src/util.ts).
  status: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)], {
    message: 'must be 0 (down), 1 (up), 2 (pending) or 3 (maintenance)',
  }),
  time: z.string().optional(),
  msg: z.string().nullish(),
});

const tagSchema = z.looseObject({ name: z.string(), value: z.string().nullish() });

export const monitorSchema = z.looseObject({
  id: z.number().int(),
  name: z.string().min(1),
  pathName: z.string().nullish(),
  type: z.string().nullish(),
  url: z.string().nullish(),
  hostname: z.string().nullish(),
  port: z.number().nullish(),
  tags: z.array(tagSchema).nullish(),
});

export const notificationSchema = z.looseObject({
  heartbeat: heartbeatSchema.nullable(),
  monitor: monitorSchema.nullable(),
  msg: z.string().nullish(),
});

export type Notification = z.infer<typeof notificationSchema>;
export type Heartbeat = z.infer<typeof heartbeatSchema>;
export type Monitor = z.infer<typeof monitorSchema>;
