import type { ZodError } from 'zod';
import type { CommitCheckEvent, ContextEvent, ParseResult, PullRequestEvent } from '../intake-event.ts';
import { firstIssue } from '../schema-errors.ts';
import { parseRenovatePullRequest } from './renovate-pr.ts';
import {
  checkRunEventSchema,
  checkSuiteEventSchema,
  deploymentStatusEventSchema,
  pullRequestEventSchema,
  statusEventSchema,
  type PullRequestPayload,
} from './schema.ts';

/** Pull-request actions that change what Steward knows of a PR; labels, reviews and the rest do not. */
const followedActions = new Set([
  'opened',
  'reopened',
  'edited',
  'synchronize',
  'closed',
  'ready_for_review',
  'converted_to_draft',
]);

/**
 * GitHub deliveries, told apart by `X-GitHub-Event`. The signature is checked before this runs; the
 * delivery id (`X-GitHub-Delivery`, the same on a redelivery) is the dedup key.
 */
export const githubSource = {
  name: 'github',
  path: '/webhooks/github',
  authentication: 'signature',
  dedupKey: (headers: Readonly<Record<string, string | undefined>>) => headers['x-github-delivery'] || undefined,
  parse(body: unknown, headers: Readonly<Record<string, string | undefined>> = {}): ParseResult {
    const event = headers['x-github-event'];
    if (!event) return { ok: false, field: 'X-GitHub-Event', message: 'header is missing (is this a GitHub webhook?)' };
    switch (event) {
      case 'ping':
        return { ok: true, events: [], ignored: 'ping' };
      case 'pull_request':
        return parseWith(pullRequestEventSchema, body, (payload) =>
          followedActions.has(payload.action) ? [fromPullRequest(payload)] : `pull_request ${payload.action}`,
        );
      case 'check_run':
        return parseWith(checkRunEventSchema, body, (payload) => [
          check(
            payload.repository.full_name,
            payload.check_run.head_sha,
            `check ${payload.check_run.name}`,
            payload.check_run.status,
            payload.check_run.conclusion,
          ),
        ]);
      case 'check_suite':
        return parseWith(checkSuiteEventSchema, body, (payload) => [
          check(
            payload.repository.full_name,
            payload.check_suite.head_sha,
            `suite ${payload.check_suite.app?.slug ?? payload.check_suite.app?.name ?? payload.check_suite.id}`,
            payload.check_suite.status ?? 'queued',
            payload.check_suite.conclusion,
          ),
        ]);
      case 'status':
        return parseWith(statusEventSchema, body, (payload) => [
          {
            kind: 'commit-check',
            source: 'github',
            repo: payload.repository.full_name,
            sha: payload.sha,
            name: `status ${payload.context}`,
            state: payload.state === 'error' ? 'failure' : payload.state,
          },
        ]);
      case 'deployment_status':
        return parseWith(deploymentStatusEventSchema, body, (payload): ContextEvent[] => [
          {
            kind: 'context',
            source: 'github',
            eventKind: 'deployment-status',
            subject: payload.repository.full_name,
            dedupKey: `deployment_status:${payload.deployment_status.id}`,
            payload: {
              deploymentId: payload.deployment.id,
              sha: payload.deployment.sha,
              ref: payload.deployment.ref,
              environment: payload.deployment_status.environment ?? payload.deployment.environment,
              state: payload.deployment_status.state,
              description: payload.deployment_status.description ?? null,
              url: payload.deployment_status.log_url ?? payload.deployment_status.target_url ?? null,
            },
          },
        ]);
      default:
        return { ok: true, events: [], ignored: `${event} events are not followed` };
    }
  },
} as const;

interface Schema<T> {
  safeParse(body: unknown): { success: true; data: T } | { success: false; error: ZodError };
}

function parseWith<T>(
  schema: Schema<T>,
  body: unknown,
  convert: (value: T) => (PullRequestEvent | CommitCheckEvent | ContextEvent)[] | string,
): ParseResult {
  const parsed = schema.safeParse(body);
  if (!parsed.success) return { ok: false, ...firstIssue(parsed.error) };
  const events = convert(parsed.data);
  return typeof events === 'string'
    ? { ok: true, events: [], ignored: `${events} is not followed` }
    : { ok: true, events };
}

function fromPullRequest(payload: PullRequestPayload): PullRequestEvent {
  const pr = payload.pull_request;
  const state = pr.state === 'open' ? 'open' : pr.merged ? 'merged' : 'closed';
  return {
    kind: 'pull-request',
    source: 'github',
    action: payload.action,
    repo: payload.repository.full_name,
    number: pr.number,
    nodeId: pr.node_id ?? null,
    title: pr.title,
    url: pr.html_url,
    author: pr.user.login,
    headRef: pr.head.ref,
    headSha: pr.head.sha,
    baseRef: pr.base.ref,
    state,
    draft: pr.draft ?? false,
    mergeCommitSha: pr.merge_commit_sha ?? null,
    closedBy: state === 'open' ? null : (pr.merged_by?.login ?? payload.sender.login),
    details: parseRenovatePullRequest({ title: pr.title, body: pr.body, headRef: pr.head.ref }),
  };
}

/** A check run or suite: `completed` with its conclusion, anything else still pending. */
function check(
  repo: string,
  sha: string,
  name: string,
  status: string,
  conclusion: string | null | undefined,
): CommitCheckEvent {
  if (status !== 'completed') return { kind: 'commit-check', source: 'github', repo, sha, name, state: 'pending' };
  const state =
    conclusion === 'success' ? 'success' : conclusion === 'neutral' || conclusion === 'skipped' ? 'neutral' : 'failure';
  return { kind: 'commit-check', source: 'github', repo, sha, name, state };
}
