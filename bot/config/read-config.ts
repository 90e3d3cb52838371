import { createHmac } from 'node:crypto';
import path from 'node:path';
import { envSchema, knownVariables, secretVariables, type EnvInput } from './env-schema.ts';
import type { Config } from './types.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ConfigProblem {
  variable: string;
  message: string;
}

/** Thrown when the environment is invalid; its message names every bad variable at once. */
export class ConfigError extends Error {
  readonly code = 'config_invalid' as const;
  readonly problems: readonly ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(`Invalid configuration: ${problems.map((p) => `${p.variable} ${p.message}`).join('; ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const secret = new Set<string>(secretVariables);

/**
 * The only reader of the environment. Pure: the same env (and working directory) gives the same
 * frozen Config. Values of secret variables are never echoed in error messages.
 */
export function readConfig(env: Env): Config {
  const picked = Object.fromEntries(knownVariables.map((name) => [name, env[name]]));
  const parsed = envSchema.safeParse(picked);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? 'environment');
      const raw = env[variable];
      const shown = secret.has(variable) || raw === undefined ? '' : ` (got ${JSON.stringify(raw)})`;
      return { variable, message: `${issue.message}${shown}` };
    });
    throw new ConfigError(problems);
  }
  const problems = crossFieldProblems(parsed.data, env);
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(toConfig(parsed.data));
}

const loopbackHosts = new Set(['127.0.0.1', '::1', 'localhost']);

/** True for names and addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return loopbackHosts.has(host) || host.startsWith('127.') || host.startsWith('::ffff:127.');
}

/**
 * Rules that span variables. A webhook without a credential only accepts loopback peers. Listening on
 * another address on purpose (HOST set explicitly) without Alertmanager's, the source every deployment
 * has, is a mistake we refuse to start with. Coroot, Grafana, Uptime Kuma and GitHub are optional: without their credential
 * they stay loopback-only (the start-up log says so), so leaving an unused one out is no error.
 */
function crossFieldProblems(input: EnvInput, env: Env): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (Boolean(input.ALERTMANAGER_USER) !== Boolean(input.ALERTMANAGER_PASSWORD)) {
    const missing = input.ALERTMANAGER_USER ? 'ALERTMANAGER_PASSWORD' : 'ALERTMANAGER_USER';
    problems.push({
      variable: missing,
      message: 'must be set together with its pair (Basic authentication needs both)',
    });
  }
  const hostChosen = env.HOST !== undefined && env.HOST !== '';
  if (hostChosen && !isLoopbackHost(input.HOST)) {
    const why = `is required when HOST is ${input.HOST} (not loopback): without it the webhook would accept anyone on the network`;
    if (!input.ALERTMANAGER_TOKEN && !input.ALERTMANAGER_USER)
      problems.push({ variable: 'ALERTMANAGER_TOKEN', message: `(or ALERTMANAGER_USER/ALERTMANAGER_PASSWORD) ${why}` });
  }
  problems.push(...groupProblems(input, 'the LLM proxy', ['LLM_BASE_URL', 'LLM_API_KEY']));
  problems.push(
    ...groupProblems(input, 'Prometheus basic authentication', ['PROMETHEUS_USERNAME', 'PROMETHEUS_PASSWORD']),
  );
  problems.push(
    ...groupProblems(input, 'Signal', ['SIGNAL_API_URL', 'SIGNAL_NUMBER', 'SIGNAL_RECIPIENTS', 'SIGNAL_APPROVERS']),
  );
  problems.push(
    ...groupProblems(input, 'Mattermost', [
      'MATTERMOST_URL',
      'MATTERMOST_TOKEN',
      'MATTERMOST_CHANNEL_ID',
      'MATTERMOST_APPROVERS',
    ]),
  );
  return problems;
}

/** A chat platform is configured by all of its variables or none: half a platform is a mistake. */
function groupProblems(input: EnvInput, platform: string, names: (keyof EnvInput)[]): ConfigProblem[] {
  const set = names.filter((name) => input[name] !== undefined);
  if (set.length === 0 || set.length === names.length) return [];
  return names
    .filter((name) => input[name] === undefined)
    .map((variable) => ({
      variable,
      message: `is required to use ${platform} (${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set)`,
    }));
}

function toConfig(input: EnvInput): Config {
  const dataDir = path.resolve(input.DATA_DIR);
  return {
    port: input.PORT,
    host: input.HOST,
    logLevel: input.LOG_LEVEL,
    logFormat: input.LOG_FORMAT,
    logFile: input.LOG_FILE ? path.resolve(input.LOG_FILE) : undefined,
    dataDir,
    databaseUrl: input.DATABASE_URL,
    redisUrl: input.REDIS_URL,
    redisKeyPrefix: input.REDIS_KEY_PREFIX,
    stewardConfigPath: input.STEWARD_CONFIG ? path.resolve(input.STEWARD_CONFIG) : undefined,
    runbookDir: path.resolve(input.RUNBOOK_DIR ?? path.join(dataDir, 'runbooks')),
    runbookGit: input.RUNBOOK_GIT,
    runbookSyncMs: input.RUNBOOK_SYNC_INTERVAL,
    publicUrl: input.PUBLIC_URL,
    httpBodyLimit: input.HTTP_BODY_LIMIT,
    alertmanager: {
      token: input.ALERTMANAGER_TOKEN,
      basic:
        input.ALERTMANAGER_USER && input.ALERTMANAGER_PASSWORD
          ? { user: input.ALERTMANAGER_USER, password: input.ALERTMANAGER_PASSWORD }
          : undefined,
    },
    coroot: { token: input.COROOT_TOKEN },
    grafana: { token: input.GRAFANA_TOKEN },
    uptimeKuma: { token: input.UPTIME_KUMA_TOKEN },
    mcpServerToken: input.MCP_SERVER_TOKEN,
    prometheus: input.PROMETHEUS_URL
      ? {
          baseUrl: input.PROMETHEUS_URL,
          ...(input.PROMETHEUS_BEARER_TOKEN ? { bearerToken: input.PROMETHEUS_BEARER_TOKEN } : {}),
          ...(input.PROMETHEUS_USERNAME && input.PROMETHEUS_PASSWORD
            ? { basic: { username: input.PROMETHEUS_USERNAME, password: input.PROMETHEUS_PASSWORD } }
            : {}),
        }
      : undefined,
    github: {
      webhookSecret: input.GITHUB_WEBHOOK_SECRET,
      token: input.GITHUB_TOKEN,
      apiUrl: input.GITHUB_API_URL.replace(/\/$/, ''),
      repos: input.GITHUB_REPOS,
      mergeMethod: input.GITHUB_MERGE_METHOD,
      renovateAuthors: input.RENOVATE_AUTHORS,
      renovateBranchPrefix: input.RENOVATE_BRANCH_PREFIX,
      digestQuietMs: input.RENOVATE_DIGEST_QUIET,
      digestWindowMs: input.RENOVATE_DIGEST_WINDOW,
      deployWaitMs: input.RENOVATE_DEPLOY_WAIT,
    },
    deliveryRetentionDays: input.DELIVERY_RETENTION_DAYS,
    coalesceLabels: input.COALESCE_LABELS,
    llm: {
      proxy:
        input.LLM_BASE_URL && input.LLM_API_KEY
          ? { baseUrl: input.LLM_BASE_URL, apiKey: input.LLM_API_KEY }
          : undefined,
      ollamaBaseUrl: input.OLLAMA_BASE_URL,
      timeoutMs: input.LLM_TIMEOUT,
      localTimeoutMs: input.LLM_LOCAL_TIMEOUT,
    },
    signal:
      input.SIGNAL_API_URL && input.SIGNAL_NUMBER && input.SIGNAL_RECIPIENTS && input.SIGNAL_APPROVERS
        ? {
            apiUrl: input.SIGNAL_API_URL,
            number: input.SIGNAL_NUMBER,
            recipients: input.SIGNAL_RECIPIENTS,
            approvers: input.SIGNAL_APPROVERS,
          }
        : undefined,
    mattermost:
      input.MATTERMOST_URL && input.MATTERMOST_TOKEN && input.MATTERMOST_CHANNEL_ID && input.MATTERMOST_APPROVERS
        ? {
            url: input.MATTERMOST_URL,
            token: input.MATTERMOST_TOKEN,
            channelId: input.MATTERMOST_CHANNEL_ID,
            approvers: input.MATTERMOST_APPROVERS,
            slashToken: input.MATTERMOST_SLASH_TOKEN,
            actionSecret:
              input.MATTERMOST_ACTION_SECRET ??
              createHmac('sha256', input.MATTERMOST_TOKEN).update('steward mattermost actions').digest('base64url'),
          }
        : undefined,
    flapWindowMs: input.FLAP_WINDOW,
    incidentUpdateIntervalMs: input.INCIDENT_UPDATE_INTERVAL,
    verifyWindowMs: input.VERIFY_WINDOW,
    checkpointRetentionMs: input.CHECKPOINT_RETENTION,
    approvalTtlMs: input.APPROVAL_TTL,
    ignoreDays: input.IGNORE_DAYS,
    noticeDigestMs: input.NOTICE_DIGEST,
    weeklyReportCron: input.WEEKLY_REPORT_CRON,
    dailySummaryCron: input.DAILY_SUMMARY_CRON,
    timezone: input.TZ,
    autonomyMode: input.AUTONOMY_MODE,
  };
}
