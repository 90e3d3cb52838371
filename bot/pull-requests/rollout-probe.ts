import { shortPackageName } from '../../graphs/pull-request/pull-request-messages.ts';
import type { ToolCallResult } from '../mcp/mcp-hub.ts';
import type { RolloutConfig } from './rollout-config.ts';
import type { PullRequestRow } from '../db/repositories/pull-requests.ts';

export type RolloutVerdict = { verdict: 'deployed' | 'failed' | 'pending'; detail: string };

/** The application a merged PR is followed in and the tool's arguments for it; undefined when it is not followed. */
export function rolloutTarget(
  config: RolloutConfig,
  pr: Pick<PullRequestRow, 'repo' | 'updates'>,
): { app: string; arguments: Record<string, string> } | undefined {
  const pkg = pr.updates[0] ? shortPackageName(pr.updates[0].package) : undefined;
  if (!pkg) return undefined;
  const mapped = config.applications[pkg];
  if (!mapped && Object.keys(config.applications).length > 0) return undefined;
  const app = mapped ?? pkg;
  const fill = (template: string) =>
    template.replaceAll('{app}', app).replaceAll('{package}', pkg).replaceAll('{repo}', pr.repo);
  return {
    app,
    arguments: Object.fromEntries(Object.entries(config.arguments).map(([key, value]) => [key, fill(value)])),
  };
}

interface ApplicationStatus {
  health?: { status?: string; message?: string };
  sync?: { status?: string; revision?: string; revisions?: string[] };
  operationState?: {
    phase?: string;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
    syncResult?: { revision?: string; revisions?: string[] };
  };
}

/**
 * Reads an Argo CD Application (as `get_application` returns it) against the merge: deployed once the
 * merged commit (or a sync finished after the merge) is Synced and Healthy; failed when it is Degraded
 * or the sync after the merge failed; otherwise still pending. A tool error is pending, not failure:
 * the tool may be down while the rollout goes fine.
 */
export function readRollout(result: ToolCallResult, merge: { sha: string | null; at: Date }): RolloutVerdict {
  if (!result.ok) return { verdict: 'pending', detail: `the tool said: ${result.error.slice(0, 200)}` };
  const status = applicationStatus(result.structured ?? safeJson(result.text));
  if (!status) return { verdict: 'pending', detail: 'the tool’s answer has no application status' };
  const health = status.health?.status ?? 'Unknown';
  const sync = status.sync?.status ?? 'Unknown';
  const operation = status.operationState;
  const revisions = [
    status.sync?.revision,
    ...(status.sync?.revisions ?? []),
    operation?.syncResult?.revision,
    ...(operation?.syncResult?.revisions ?? []),
  ].filter((value): value is string => Boolean(value));
  const revision = status.sync?.revision ?? status.sync?.revisions?.[0];
  const detail = `${health}, ${sync}${revision ? ` at ${revision.slice(0, 7)}` : ''}${status.health?.message ? ` (${status.health.message})` : ''}`;
  const syncedAfterMerge =
    (operation?.finishedAt !== undefined && new Date(operation.finishedAt).getTime() >= merge.at.getTime()) ||
    (operation?.startedAt !== undefined && new Date(operation.startedAt).getTime() >= merge.at.getTime());
  const carriesMerge = merge.sha !== null && revisions.some((candidate) => candidate === merge.sha);
  if ((operation?.phase === 'Failed' || operation?.phase === 'Error') && syncedAfterMerge) {
    return {
      verdict: 'failed',
      detail: `sync ${operation.phase.toLowerCase()}${operation.message ? `: ${operation.message}` : ''}; ${detail}`,
    };
  }
  if (!carriesMerge && !syncedAfterMerge) return { verdict: 'pending', detail };
  if (operation?.phase === 'Running') return { verdict: 'pending', detail };
  if (health === 'Degraded') return { verdict: 'failed', detail };
  if (health === 'Healthy' && sync === 'Synced') return { verdict: 'deployed', detail };
  return { verdict: 'pending', detail };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function applicationStatus(value: unknown): ApplicationStatus | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const status = (value as { status?: unknown }).status;
  return typeof status === 'object' && status !== null ? status : undefined;
}
