import type { AutonomyMode } from '../../runbooks/autonomy.ts';
import type { logFormats, logLevels } from './env-schema.ts';

export type { AutonomyMode };

export type LogLevel = (typeof logLevels)[number];
export type LogFormat = (typeof logFormats)[number];

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly logLevel: LogLevel;
  /** Unset: pretty on the terminal the shell channel talks through, JSON anywhere else. */
  readonly logFormat: LogFormat | undefined;
  /** Absolute. Set: logs are appended to this file instead of standard output. */
  readonly logFile: string | undefined;
  /** Absolute. Holds the embedded PostgreSQL cluster and, by default, the runbooks. */
  readonly dataDir: string;
  /** Unset: Steward runs its own PostgreSQL under `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** Unset: coordination (locks, idempotency keys, counters, timers) runs on PostgreSQL. */
  readonly redisUrl: string | undefined;
  readonly redisKeyPrefix: string;
  readonly stewardConfigPath: string | undefined;
  readonly runbookDir: string;
  /** Each runbook change is a git commit in RUNBOOK_DIR, pushed when a remote is configured. */
  readonly runbookGit: boolean;
  /** How often a replica reads the runbook changes other replicas made, and imports edited files. */
  readonly runbookSyncMs: number;
  readonly publicUrl: string | undefined;
  readonly httpBodyLimit: number;
  readonly alertmanager: {
    readonly token?: string;
    readonly basic?: { readonly user: string; readonly password: string };
  };
  readonly coroot: { readonly token?: string };
  readonly grafana: { readonly token?: string };
  readonly uptimeKuma: { readonly token?: string };
  /** MCP_SERVER_TOKEN: the bearer token agents use at /mcp; unset, Steward is no MCP server. */
  readonly mcpServerToken?: string;
  /** Where investigations read metrics (PROMETHEUS_URL), with bearer or basic authentication; unset: no metrics. */
  readonly prometheus:
    | {
        readonly baseUrl: string;
        readonly bearerToken?: string;
        readonly basic?: { readonly username: string; readonly password: string };
      }
    | undefined;
  /** Renovate pull requests: the webhook's secret, the API token that merges, and which PRs are followed. */
  readonly github: GitHubConfig;
  readonly deliveryRetentionDays: number;
  /** Alert groups of different sources whose stable labels agree on all of these are one incident; empty: never. */
  readonly coalesceLabels: readonly string[];
  /** The model endpoints; with neither, Steward works from runbooks and generic options only. */
  readonly llm: {
    readonly proxy: { readonly baseUrl: string; readonly apiKey: string } | undefined;
    readonly ollamaBaseUrl: string | undefined;
    readonly timeoutMs: number;
    readonly localTimeoutMs: number;
  };
  /** Set when Signal is configured (all of SIGNAL_API_URL, SIGNAL_NUMBER, SIGNAL_RECIPIENTS, SIGNAL_APPROVERS). */
  readonly signal: SignalConfig | undefined;
  /** Set when Mattermost is configured (MATTERMOST_URL, _TOKEN, _CHANNEL_ID, _APPROVERS). */
  readonly mattermost: MattermostConfig | undefined;
  /** An alert that fires again this soon after its incident resolved reopens it, marked flapping. */
  readonly flapWindowMs: number;
  /** At most one "new alerts" update per incident in this interval. */
  readonly incidentUpdateIntervalMs: number;
  /** After a fix runs, how long its alerts have to resolve for it to count as working. */
  readonly verifyWindowMs: number;
  /** The LangGraph checkpoints of an incident closed this long ago are deleted (the incident and its audit stay). */
  readonly checkpointRetentionMs: number;
  /** A question nobody answers in this time expires; nothing runs. */
  readonly approvalTtlMs: number;
  /** "No, expected" keeps the same alert quiet for this many days. */
  readonly ignoreDays: number;
  /** Past `verbose`, low-priority notices go out merged once per slot of this length. */
  readonly noticeDigestMs: number;
  /** When the weekly report goes out (cron, in `timezone`); the daily summary too, in verbose mode. */
  readonly weeklyReportCron: string;
  readonly dailySummaryCron: string;
  /** TZ: the zone report and schedule crons are read in; unset means the process's own. */
  readonly timezone: string | undefined;
  /** How much Steward may do alone: `verbose` asks everything; `selective` and `mature` let promoted runbooks run. */
  readonly autonomyMode: AutonomyMode;
}

export interface SignalConfig {
  readonly apiUrl: string;
  readonly number: string;
  readonly recipients: readonly string[];
  readonly approvers: readonly string[];
}

export interface MattermostConfig {
  readonly url: string;
  readonly token: string;
  readonly channelId: string;
  readonly approvers: readonly string[];
  /** Without it the slash command route refuses every request. */
  readonly slashToken: string | undefined;
  /** Signs button callbacks; derived from the token when not set, so replicas agree. */
  readonly actionSecret: string;
}

export interface GitHubConfig {
  readonly webhookSecret: string | undefined;
  /** Without it PRs are still announced, but approve, reject and revert cannot act. */
  readonly token: string | undefined;
  readonly apiUrl: string;
  /** owner/name; unset follows every repository the webhook is installed on. */
  readonly repos: readonly string[] | undefined;
  readonly mergeMethod: 'merge' | 'squash' | 'rebase';
  readonly renovateAuthors: readonly string[];
  readonly renovateBranchPrefix: string;
  /** PRs are held until none arrived for `digestQuietMs`, at most `digestWindowMs`, then asked together. */
  readonly digestQuietMs: number;
  readonly digestWindowMs: number;
  /** After a merge, how long to wait for a deployment status before no longer following it. */
  readonly deployWaitMs: number;
}
