import { z } from 'zod';
import { parseDuration } from '../../graphs/durations.ts';
import { autonomyModes } from '../../runbooks/autonomy.ts';

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

/** A duration such as `30s` (graphs/durations.ts rules: ms, s, m, h, d, w); shared with STEWARD_CONFIG sections. */
export const durationSchema = z
  .string()
  .refine((value) => parseDuration(value) !== undefined, {
    message: 'must be a duration such as 30s, 15m, 2h, 7d or 2w',
  })
  .transform((value) => parseDuration(value)!);

const duration = durationSchema;

const secretToken = z.string().min(16, { message: 'must be at least 16 characters (use a long random token)' });

/** A comma-separated list; blanks dropped. Each item must pass `item`. */
function commaList(item: RegExp, message: string) {
  return z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .refine((items) => items.length > 0 && items.every((part) => item.test(part)), { message });
}

const e164 = /^\+[1-9]\d{5,14}$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const signalGroup = /^group\.[A-Za-z0-9+/=_-]+$/;

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const logFormats = ['json', 'pretty'] as const;

export const envSchema = z.object({
  PORT: withDefault(port, 8080),
  HOST: withDefault(z.string().min(1), '0.0.0.0'),
  LOG_LEVEL: withDefault(z.enum(logLevels, { message: `must be one of ${logLevels.join(', ')}` }), 'info'),
  LOG_FORMAT: optional(z.enum(logFormats, { message: `must be one of ${logFormats.join(', ')}` })),
  LOG_FILE: optional(z.string().min(1)),
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
  GRAFANA_TOKEN: optional(secretToken),
  UPTIME_KUMA_TOKEN: optional(secretToken),
  DELIVERY_RETENTION_DAYS: withDefault(
    z.coerce.number({ message: 'must be a whole number of days' }).int().min(1, { message: 'must be at least 1' }),
    30,
  ),
  COALESCE_LABELS: withDefault(
    z
      .string()
      .transform((value) =>
        value.trim() === 'none'
          ? []
          : value
              .split(',')
              .map((part) => part.trim())
              .filter(Boolean),
      )
      .refine((names) => names.every((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)), {
        message: 'must be label names separated by commas, or none',
      }),
    'service',
  ),
  FLAP_WINDOW: withDefault(duration, '30m'),
  INCIDENT_UPDATE_INTERVAL: withDefault(duration, '1m'),
  VERIFY_WINDOW: withDefault(duration, '15m'),
  CHECKPOINT_RETENTION: withDefault(duration, '7d'),
  APPROVAL_TTL: withDefault(duration, '24h'),
  RUNBOOK_SYNC_INTERVAL: withDefault(duration, '5s'),
  RUNBOOK_GIT: withDefault(
    z.enum(['true', 'false'], { message: 'must be true or false' }).transform((value) => value === 'true'),
    'false',
  ),
  AUTONOMY_MODE: withDefault(
    z.enum(autonomyModes, { message: `must be one of ${autonomyModes.join(', ')}` }),
    'verbose',
  ),
  IGNORE_DAYS: withDefault(
    z.coerce.number({ message: 'must be a whole number of days' }).int().min(0, { message: 'must be 0 or more' }),
    7,
  ),
  NOTICE_DIGEST: withDefault(duration, '30m'),
  WEEKLY_REPORT_CRON: withDefault(z.string().min(1), '0 9 * * 1'),
  DAILY_SUMMARY_CRON: withDefault(z.string().min(1), '0 9 * * *'),
  TZ: optional(z.string().min(1)),
  SIGNAL_API_URL: optional(urlWithProtocols(['http:', 'https:'], 'http://signal-cli-rest-api:8080')),
  SIGNAL_NUMBER: optional(
    z.string().regex(e164, { message: 'must be the bot account number in E.164 form, such as +4915112345678' }),
  ),
  SIGNAL_RECIPIENTS: optional(
    commaList(
      new RegExp(`${e164.source}|${signalGroup.source}`),
      'must be E.164 numbers separated by commas, or one group.<id>',
    ).refine((items) => !items.some((item) => signalGroup.test(item)) || items.length === 1, {
      message: 'must be one group.<id> alone, not mixed with numbers',
    }),
  ),
  SIGNAL_APPROVERS: optional(
    commaList(
      new RegExp(`${e164.source}|${uuid.source}`),
      'must be E.164 numbers or Signal account UUIDs separated by commas',
    ),
  ),
  MATTERMOST_URL: optional(urlWithProtocols(['http:', 'https:'], 'https://chat.example.net')),
  MATTERMOST_TOKEN: optional(z.string().min(8, { message: 'must be the bot account access token' })),
  MATTERMOST_CHANNEL_ID: optional(
    z.string().regex(/^[a-z0-9]{26}$/, { message: 'must be a 26-character channel id (channel menu → View Info)' }),
  ),
  MATTERMOST_APPROVERS: optional(commaList(/^@?[\w.-]+$/, 'must be user ids or usernames separated by commas')),
  MATTERMOST_SLASH_TOKEN: optional(z.string().min(8, { message: "must be the slash command's token" })),
  MATTERMOST_ACTION_SECRET: optional(secretToken),
  GITHUB_WEBHOOK_SECRET: optional(secretToken),
  MCP_SERVER_TOKEN: optional(secretToken),
  GITHUB_TOKEN: optional(
    z.string().min(20, { message: 'must be a GitHub token allowed to merge, comment on and close pull requests' }),
  ),
  GITHUB_API_URL: withDefault(
    urlWithProtocols(['http:', 'https:'], 'https://api.github.com'),
    'https://api.github.com',
  ),
  GITHUB_REPOS: optional(commaList(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name repositories separated by commas')),
  GITHUB_MERGE_METHOD: withDefault(
    z.enum(['merge', 'squash', 'rebase'], { message: 'must be merge, squash or rebase' }),
    'squash',
  ),
  RENOVATE_AUTHORS: withDefault(
    commaList(/^[\w.[\]-]+$/, 'must be GitHub logins separated by commas, such as renovate[bot]'),
    'renovate[bot]',
  ),
  RENOVATE_BRANCH_PREFIX: withDefault(z.string().min(1), 'renovate/'),
  RENOVATE_DIGEST_QUIET: withDefault(duration, '5m'),
  RENOVATE_DIGEST_WINDOW: withDefault(duration, '1h'),
  RENOVATE_DEPLOY_WAIT: withDefault(duration, '2h'),
  PROMETHEUS_URL: optional(urlWithProtocols(['http:', 'https:'], 'http://prometheus:9090')),
  PROMETHEUS_BEARER_TOKEN: optional(
    z.string().min(8, { message: 'must be the bearer token Prometheus (or its proxy) expects' }),
  ),
  PROMETHEUS_USERNAME: optional(z.string().min(1)),
  PROMETHEUS_PASSWORD: optional(z.string().min(1)),
  LLM_BASE_URL: optional(urlWithProtocols(['http:', 'https:'], 'http://litellm:4000')),
  LLM_API_KEY: optional(z.string().min(8, { message: "must be the proxy's virtual key" })),
  OLLAMA_BASE_URL: optional(urlWithProtocols(['http:', 'https:'], 'http://ollama:11434')),
  LLM_TIMEOUT: withDefault(duration, '60s'),
  LLM_LOCAL_TIMEOUT: withDefault(duration, '180s'),
  HTTP_BODY_LIMIT: withDefault(
    z.coerce
      .number({ message: 'must be a number of bytes' })
      .int()
      .min(1024, { message: 'must be at least 1024 bytes' }),
    1_048_576,
  ),
});

export type EnvInput = z.infer<typeof envSchema>;

/** Variables whose values are secret as a whole, or hold a password (URLs). Never logged. */
export const secretVariables = [
  'DATABASE_URL',
  'REDIS_URL',
  'ALERTMANAGER_TOKEN',
  'ALERTMANAGER_PASSWORD',
  'COROOT_TOKEN',
  'GRAFANA_TOKEN',
  'UPTIME_KUMA_TOKEN',
  'MATTERMOST_TOKEN',
  'MATTERMOST_SLASH_TOKEN',
  'MATTERMOST_ACTION_SECRET',
  'LLM_API_KEY',
  'PROMETHEUS_BEARER_TOKEN',
  'PROMETHEUS_PASSWORD',
  'GITHUB_WEBHOOK_SECRET',
  'GITHUB_TOKEN',
  'MCP_SERVER_TOKEN',
] as const satisfies readonly (keyof EnvInput)[];

export const knownVariables = Object.keys(envSchema.shape) as (keyof EnvInput)[];
