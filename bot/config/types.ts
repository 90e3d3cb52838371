import type { logLevels } from './env-schema.ts';

export type LogLevel = (typeof logLevels)[number];

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly logLevel: LogLevel;
  /** Absolute. Holds the embedded PostgreSQL cluster and, by default, the runbooks. */
  readonly dataDir: string;
  /** Unset: Steward runs its own PostgreSQL under `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** Unset: coordination (locks, idempotency keys, counters, timers) runs on PostgreSQL. */
  readonly redisUrl: string | undefined;
  readonly redisKeyPrefix: string;
  readonly stewardConfigPath: string | undefined;
  readonly runbookDir: string;
  readonly publicUrl: string | undefined;
  readonly httpBodyLimit: number;
  readonly alertmanager: { readonly token?: string; readonly basic?: { readonly user: string; readonly password: string } };
  readonly coroot: { readonly token?: string };
  readonly deliveryRetentionDays: number;
  /** An alert that fires again this soon after its incident resolved reopens it, marked flapping. */
  readonly flapWindowMs: number;
  /** At most one "new alerts" update per incident in this interval. */
  readonly incidentUpdateIntervalMs: number;
}
