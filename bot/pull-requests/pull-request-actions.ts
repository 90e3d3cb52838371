import { formatDuration } from '../../graphs/durations.ts';
import { DEFAULT_PR_DEFER_MS, DIGEST_OPTIONS, PR_OPTIONS } from '../../graphs/pull-request/pull-request-messages.ts';
import {
  customNotForPullRequests,
  deferred,
  ignoring,
  mergeProblems,
  mergeRefused,
  merged as mergedNotice,
  noGitHubToken,
  notClosed,
  nothingToDo,
  notMergeable,
  notReverted,
  readinessUnknown,
  rejected,
  rejectionComment,
  revertOpened,
  type Notice,
} from '../../graphs/pull-request/pull-request-notices.ts';
import type { Decision } from '../../graphs/questions.ts';
import type { Queryable } from '../db/pool.ts';
import { createAuditLog } from '../db/repositories/audit-log.ts';
import type { Logger } from '../logging/index.ts';
import type { GitHubApi } from './github-api.ts';
import {
  actionableStages,
  createPullRequestRepository,
  type PullRequestRow,
} from '../db/repositories/pull-requests.ts';

export type { Notice } from '../../graphs/pull-request/pull-request-notices.ts';

export interface Actor {
  /** The platform's id of who decided (for the audit log). */
  id: string;
  /** How people know them (for chat and the GitHub comment). */
  name: string;
  channel: string;
}

export interface PullRequestActionsDeps {
  db: Queryable;
  /** Undefined without GITHUB_TOKEN: PRs are announced, but nothing on GitHub can be changed. */
  github: GitHubApi | undefined;
  mergeMethod: 'merge' | 'squash' | 'rebase';
  say(notice: Notice): Promise<void>;
  logger: Logger;
}

/**
 * What the owner's answers do to a pull request. Each act first claims the PR's stage (one of two
 * concurrent answers acts), and everything said back names the PR, what happened and why.
 */
export function createPullRequestActions(deps: PullRequestActionsDeps) {
  const store = createPullRequestRepository(deps.db);
  const audit = createAuditLog(deps.db);

  async function record(
    actor: Actor,
    action: string,
    pr: PullRequestRow,
    outcome: string,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    await audit.record({
      actor: actor.id,
      channel: actor.channel,
      action,
      subject: `pull-request:${pr.repo}#${pr.number}`,
      outcome,
      details: { name: actor.name, ...details },
    });
  }

  /** Why a PR the owner answered about cannot be acted on any more: as it is now. */
  async function sayNothingToDo(pr: PullRequestRow): Promise<void> {
    await deps.say(nothingToDo((await store.byId(pr.id)) ?? pr));
  }

  async function merge(pr: PullRequestRow, actor: Actor): Promise<void> {
    if (!deps.github) return deps.say(noGitHubToken(pr, 'merged'));
    const claimed = await store.claim(pr.id, actionableStages, 'merging', { decided_by: actor.name });
    if (!claimed) return sayNothingToDo(pr);
    const back = async (notice: Notice, outcome: string) => {
      await store.claim(pr.id, ['merging'], 'asked');
      await record(actor, 'pull-request.merge', claimed, outcome);
      await deps.say(notice);
    };

    const readiness = await deps.github.readiness(claimed.repo, claimed.number);
    if (!readiness.ok) return back(readinessUnknown(claimed, readiness.message), `refused: ${readiness.message}`);
    const problems = mergeProblems(readiness.value, claimed.head_sha);
    if (problems.length > 0) {
      return back(notMergeable(claimed, problems), `refused: ${problems.join('; ')}`);
    }

    const merged = await deps.github.merge(claimed.repo, claimed.number, claimed.head_sha, deps.mergeMethod);
    if (!merged.ok)
      return back(mergeRefused(claimed, merged.status, merged.message), `refused by GitHub: ${merged.message}`);
    await store.claim(pr.id, ['merging'], 'merged', {
      state: 'merged',
      merge_commit_sha: merged.value.sha,
      merged_at: new Date(),
      deploy_state: 'waiting',
    });
    await record(actor, 'pull-request.merge', claimed, 'merged', { sha: merged.value.sha, method: deps.mergeMethod });
    await deps.say(mergedNotice(claimed, deps.mergeMethod, actor));
  }

  async function reject(pr: PullRequestRow, actor: Actor): Promise<void> {
    if (!deps.github) return deps.say(noGitHubToken(pr, 'rejected'));
    const claimed = await store.claim(pr.id, actionableStages, 'merging', { decided_by: actor.name });
    if (!claimed) return sayNothingToDo(pr);
    const commented = await deps.github.comment(claimed.repo, claimed.number, rejectionComment(actor));
    const closed = commented.ok ? await deps.github.close(claimed.repo, claimed.number) : commented;
    if (!closed.ok) {
      await store.claim(pr.id, ['merging'], 'asked');
      await record(actor, 'pull-request.reject', claimed, `failed: ${closed.message}`);
      return deps.say(notClosed(claimed, closed.status, closed.message));
    }
    await store.claim(pr.id, ['merging'], 'rejected', {
      state: 'closed',
      closed_by: actor.name,
      closed_at: new Date(),
    });
    await record(actor, 'pull-request.reject', claimed, 'closed');
    await deps.say(rejected(claimed, actor));
  }

  async function defer(pr: PullRequestRow, ms: number, actor: Actor): Promise<void> {
    const until = new Date(Date.now() + ms);
    const claimed = await store.claim(pr.id, actionableStages, 'deferred', {
      deferred_until: until,
      decided_by: actor.name,
    });
    if (!claimed) return sayNothingToDo(pr);
    await record(actor, 'pull-request.defer', claimed, `deferred ${formatDuration(ms)}`, {
      until: until.toISOString(),
    });
    await deps.say(deferred(claimed, ms, until));
  }

  async function ignore(pr: PullRequestRow, actor: Actor): Promise<void> {
    const claimed = await store.claim(pr.id, actionableStages, 'ignored', { decided_by: actor.name });
    if (!claimed) return;
    await record(actor, 'pull-request.ignore', claimed, 'ignored');
    await deps.say(ignoring(claimed));
  }

  async function revert(pr: PullRequestRow, actor: Actor): Promise<void> {
    if (!deps.github) return deps.say(noGitHubToken(pr, 'reverted'));
    if (!pr.node_id) return deps.say(notReverted(pr, 'no node id'));
    const reverted = await deps.github.revert(pr.node_id);
    if (!reverted.ok) {
      await record(actor, 'pull-request.revert', pr, `failed: ${reverted.message}`);
      return deps.say(
        notReverted(
          pr,
          reverted.status === undefined
            ? { message: reverted.message }
            : { status: reverted.status, message: reverted.message },
        ),
      );
    }
    await store.update(pr.id, { deploy_state: 'reverted', deploy_note: `revert PR #${reverted.value.number}` });
    await record(actor, 'pull-request.revert', pr, 'revert opened', { revert: reverted.value.number });
    await deps.say(revertOpened(pr, reverted.value));
  }

  return {
    merge,
    reject,
    defer,
    ignore,

    /** A decision on a PR question (single, digest, or a failed deployment). */
    async onDecision(decision: Decision, actorName: string): Promise<void> {
      const actor: Actor = { id: decision.actor, name: actorName, channel: decision.channel };
      const prs = await store.forQuestion(decision.questionId);
      const answer = decision.answer;
      if (decision.questionKind === 'pull-request-deploy') {
        const pr = prs[0];
        if (pr && answer.kind === 'option' && answer.option === 1) await revert(pr, actor);
        return;
      }
      const asked = prs.filter((pr) => pr.stage === 'asked');
      if (answer.kind === 'custom') {
        await deps.say(customNotForPullRequests);
        return;
      }
      const single = decision.questionKind === 'pull-request';
      for (const pr of asked) {
        if (answer.kind === 'ignore') await ignore(pr, actor);
        else if (answer.kind === 'snooze') await defer(pr, answer.durationMs, actor);
        else if (single ? answer.option === PR_OPTIONS.merge : answer.option === DIGEST_OPTIONS.mergeAll)
          await merge(pr, actor);
        else if (single ? answer.option === PR_OPTIONS.defer : answer.option === DIGEST_OPTIONS.deferAll)
          await defer(pr, DEFAULT_PR_DEFER_MS, actor);
        else if (single && answer.option === PR_OPTIONS.reject) await reject(pr, actor);
      }
    },
  };
}

export type PullRequestActions = ReturnType<typeof createPullRequestActions>;
