/**
 * What every webhook source turns a delivery into. The intake stores these; nothing here does I/O.
 */
import type { RenovateDetails } from './github/renovate-pr.ts';

export type SourceName = 'alertmanager' | 'coroot' | 'github' | 'grafana' | 'uptime-kuma' | 'generic';

export interface AlertState {
  /** Stable per label set (Alertmanager's fingerprint, Coroot's incident or alert id). */
  fingerprint: string;
  alertname: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: Date | null;
  endsAt: Date | null;
  generatorUrl: string | null;
}

/** The full current state of one alert group: becomes (or updates) one incident. */
export interface AlertGroupEvent {
  kind: 'alert-group';
  source: SourceName;
  groupKey: string;
  title: string;
  severity: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  alerts: AlertState[];
  /** Alerts the sender left out (Alertmanager `max_alerts`). */
  truncatedAlerts: number;
}

/** Something that happened and gives context to incidents (a deployment), stored once per key. */
export interface ContextEvent {
  kind: 'context';
  source: SourceName;
  eventKind: 'deployment' | 'deployment-status';
  subject: string;
  dedupKey: string;
  payload: Record<string, unknown>;
}

/** A pull request as GitHub last described it; `renovate` when its body is Renovate's. */
export interface PullRequestEvent {
  kind: 'pull-request';
  source: 'github';
  action: string;
  repo: string;
  number: number;
  nodeId: string | null;
  title: string;
  url: string;
  author: string;
  headRef: string;
  headSha: string;
  baseRef: string;
  state: 'open' | 'merged' | 'closed';
  draft: boolean;
  mergeCommitSha: string | null;
  /** Who merged or closed it, when it is no longer open. */
  closedBy: string | null;
  details: RenovateDetails;
}

/** One check on one commit (a check run, a whole check suite, or a commit status context). */
export interface CommitCheckEvent {
  kind: 'commit-check';
  source: 'github';
  repo: string;
  sha: string;
  name: string;
  state: 'pending' | 'success' | 'failure' | 'neutral';
}

export type IntakeEvent = AlertGroupEvent | ContextEvent | PullRequestEvent | CommitCheckEvent;

/** `ignored`: a delivery understood and deliberately not acted on (a ping, an event we do not follow). */
export type ParseResult =
  { ok: true; events: IntakeEvent[]; ignored?: string } | { ok: false; field: string; message: string };
