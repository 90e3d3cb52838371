import { z } from 'zod';

/**
 * Every environment variable Steward reads, keyed by its own name so that a validation issue's path
 * is the variable to fix. Empty strings count as unset (compose files often pass `${VAR:-}`).
 */
const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);

function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess(unsetIfEmpty, schema.optional());
}

function withDefault<T extends z.ZodType>(schema: T, fallback: z.input<T>) {
  // prefault, not default: zod 4 returns a default as is, but a prefault is parsed (and transformed).
  return z.preprocess(unsetIfEmpty, schema.prefault(fallback as never));
}

function urlWithProtocols(protocols: string[], example: string) {
  return z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL such as ${example}` },
  );
}

const port = z.coerce
  .number({ message: 'must be a whole number from 1 to 65535' })
  .int({ message: 'must be a whole number from 1 to 65535' })
  .min(1, { message: 'must be a whole number from 1 to 65535' })
  .max(65535, { message: 'must be a whole number from 1 to 65535' });

const durationPattern = /^(\d+)(ms|s|m|h|d)$/;
const durationUnits: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30s`, `15m`, `2h`, `7d` → milliseconds. */
function parseDuration(value: string): number | undefined {
  const match = durationPattern.exec(value.trim());
  return match ? Number(match[1]) * durationUnits[match[2]!]! : undefined;
}

const duration = z
  .string()
  .refine((value) => parseDuration(value) !== undefined, { message: 'must be a duration such as 30s, 15m, 2h or 7d' })
  .transform((value) => parseDuration(value)!);

const secretToken = z.string().min(16, { message: 'must be at least 16 characters (use a long random token)' });

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const envSchema = z.object({
  PORT: withDefault(port, 8080),
  HOST: withDefault(z.string().min(1), '0.0.0.0'),
  LOG_LEVEL: withDefault(z.enum(logLevels, { message: `must be one of ${logLevels.join(', ')}` }), 'info'),
  DATA_DIR: withDefault(z.string().min(1), './data'),
  DATABASE_URL: optional(urlWithProtocols(['postgres:', 'postgresql:'], 'postgres://user:pass@host:5432/steward')),
  REDIS_URL: optional(urlWithProtocols(['redis:', 'rediss:'], 'redis://host:6379/0')),
  REDIS_KEY_PREFIX: withDefault(z.string().min(1), 'steward:'),
  STEWARD_CONFIG: optional(z.string().min(1)),
  RUNBOOK_DIR: optional(z.string().min(1)),
  PUBLIC_URL: optional(urlWithProtocols(['http:', 'https:'], 'https://steward.example.net')),
  ALERTMANAGER_TOKEN: optional(secretToken),
  ALERTMANAGER_USER: optional(z.string().min(1)),
  ALERTMANAGER_PASSWORD: optional(secretToken),
  COROOT_TOKEN: optional(secretToken),
  DELIVERY_RETENTION_DAYS: withDefault(
    z.coerce.number({ message: 'must be a whole number of days' }).int().min(1, { message: 'must be at least 1' }),
    30,
  ),
  FLAP_WINDOW: withDefault(duration, '30m'),
  INCIDENT_UPDATE_INTERVAL: withDefault(duration, '1m'),
  HTTP_BODY_LIMIT: withDefault(
    z.coerce.number({ message: 'must be a number of bytes' }).int().min(1024, { message: 'must be at least 1024 bytes' }),
    1_048_576,
  ),
});

export type EnvInput = z.infer<typeof envSchema>;

/** Variables whose values are secret as a whole, or hold a password (URLs). Never logged. */
export const secretVariables = ['DATABASE_URL', 'REDIS_URL', 'ALERTMANAGER_TOKEN', 'ALERTMANAGER_PASSWORD', 'COROOT_TOKEN'] as const satisfies readonly (keyof EnvInput)[];

export const knownVariables = Object.keys(envSchema.shape) as (keyof EnvInput)[];
