import { DEFAULT_PR_DEFER_MS, DIGEST_OPTIONS, headline, PR_OPTIONS } from '../../graphs/pull-request/pull-request-messages.ts';
import { formatDuration } from '../../graphs/durations.ts';
import type { Decision } from '../../graphs/questions.ts';
import type { Queryable } from '../db/pool.ts';
import { createAuditLog } from '../db/repositories/audit-log.ts';
import type { Logger } from '../logging/index.ts';
import type { GitHubApi } from './github-api.ts';
import { actionableStages, createPullRequestRepository, type PullRequestRow } from '../db/repositories/pull-requests.ts';

export interface Notice {
  title: string;
  body: string;
}

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
  const label = (pr: PullRequestRow) => `PR #${pr.number} ${headline(pr)}`;

  async function record(actor: Actor, action: string, pr: PullRequestRow, outcome: string, details: Record<string, unknown> = {}): Promise<void> {
    await audit.record({ actor: actor.id, channel: actor.channel, action, subject: `pull-request:${pr.repo}#${pr.number}`, outcome, details: { name: actor.name, ...details } });
  }

  /** Why a PR cannot be acted on any more, in words. */
  function whyNot(pr: PullRequestRow): string {
    switch (pr.stage) {
      case 'merging':
        return `${label(pr)} is being merged right now.`;
      case 'merged':
        return `${label(pr)} is already merged${pr.decided_by ? ` (approved by ${pr.decided_by})` : pr.closed_by ? ` (by ${pr.closed_by} on GitHub)` : ''}.`;
      case 'rejected':
        return `${label(pr)} was rejected${pr.decided_by ? ` by ${pr.decided_by}` : ''} and is closed.`;
      default:
        return `${label(pr)} is closed on GitHub${pr.closed_by ? ` (by ${pr.closed_by})` : ''}.`;
    }
  }

  function noGitHub(pr: PullRequestRow, what: string): Notice {
    return { title: `⛔ ${label(pr)} not ${what}`, body: 'GITHUB_TOKEN is not set, so Steward cannot change pull requests. Set it to a token allowed to merge and close PRs.' };
  }

  async function merge(pr: PullRequestRow, actor: Actor): Promise<void> {
    if (!deps.github) return deps.say(noGitHub(pr, 'merged'));
    const claimed = await store.claim(pr.id, actionableStages, 'merging', { decided_by: actor.name });
    if (!claimed) return deps.say({ title: `${label(pr)}: nothing to do`, body: whyNot((await store.byId(pr.id)) ?? pr) });
    const back = async (title: string, body: string, outcome: string) => {
      await store.claim(pr.id, ['merging'], 'asked');
      await record(actor, 'pull-request.merge', claimed, outcome);
      await deps.say({ title, body });
    };

    const readiness = await deps.github.readiness(claimed.repo, claimed.number);
    if (!readiness.ok) return back(`⚠️ ${label(claimed)} not merged`, `GitHub could not be asked whether it may be merged (${readiness.message}). Nothing changed; reply "approve PR ${claimed.number}" to try again.`, `refused: ${readiness.message}`);
    const ready = readiness.value;
    const problems: string[] = [];
    if (ready.state !== 'open') problems.push('it is no longer open on GitHub');
    if (ready.failing.length > 0) problems.push(`checks failing: ${ready.failing.join(', ')}`);
    if (ready.pending.length > 0) problems.push(`checks still running: ${ready.pending.join(', ')}`);
    if (ready.mergeable === false || ready.mergeableState === 'dirty') problems.push('it has merge conflicts (Renovate rebases it on its next run)');
    else if (ready.mergeableState === 'blocked') problems.push('branch protection blocks it (a required review or check is missing)');
    if (ready.headSha !== claimed.head_sha) problems.push('it changed since it was shown here (new commits); look again first');
    if (problems.length > 0) {
      return back(`⛔ ${label(claimed)} not merged`, `${problems.map((problem) => `• ${problem}`).join('\n')}\nReply "approve PR ${claimed.number}" once that is fixed, or "details PR ${claimed.number}".`, `refused: ${problems.join('; ')}`);
    }

    const merged = await deps.github.merge(claimed.repo, claimed.number, claimed.head_sha, deps.mergeMethod);
    if (!merged.ok) return back(`⛔ ${label(claimed)} not merged`, `GitHub refused the merge${merged.status ? ` (${merged.status})` : ''}: ${merged.message}`, `refused by GitHub: ${merged.message}`);
    await store.claim(pr.id, ['merging'], 'merged', { state: 'merged', merge_commit_sha: merged.value.sha, merged_at: new Date(), deploy_state: 'waiting' });
    await record(actor, 'pull-request.merge', claimed, 'merged', { sha: merged.value.sha, method: deps.mergeMethod });
    await deps.say({ title: `🔀 Merged ${label(claimed)}`, body: `${deps.mergeMethod} by ${actor.name} via ${actor.channel}. Waiting for its deployment.` });
  }

  async function reject(pr: PullRequestRow, actor: Actor): Promise<void> {
    if (!deps.github) return deps.say(noGitHub(pr, 'rejected'));
    const claimed = await store.claim(pr.id, actionableStages, 'merging', { decided_by: actor.name });
    if (!claimed) return deps.say({ title: `${label(pr)}: nothing to do`, body: whyNot((await store.byId(pr.id)) ?? pr) });
    const commented = await deps.github.comment(claimed.repo, claimed.number, `Rejected from chat by ${actor.name} (via ${actor.channel}, through Steward).`);
    const closed = commented.ok ? await deps.github.close(claimed.repo, claimed.number) : commented;
    if (!closed.ok) {
      await store.claim(pr.id, ['merging'], 'asked');
      await record(actor, 'pull-request.reject', claimed, `failed: ${closed.message}`);
      return deps.say({ title: `⚠️ ${label(claimed)} not closed`, body: `GitHub refused${closed.status ? ` (${closed.status})` : ''}: ${closed.message}` });
    }
    await store.claim(pr.id, ['merging'], 'rejected', { state: 'closed', closed_by: actor.name, closed_at: new Date() });
    await record(actor, 'pull-request.reject', claimed, 'closed');
    await deps.say({ title: `🚫 Rejected ${label(claimed)}`, body: `Closed on GitHub with a comment, by ${actor.name} via ${actor.channel}.` });
  }

  async function defer(pr: PullRequestRow, ms: number, actor: Actor): Promise<void> {
    const until = new Date(Date.now() + ms);
    const claimed = await store.claim(pr.id, actionableStages, 'deferred', { deferred_until: until, decided_by: actor.name });
    if (!claimed) return deps.say({ title: `${label(pr)}: nothing to do`, body: whyNot((await store.byId(pr.id)) ?? pr) });
    await record(actor, 'pull-request.defer', claimed, `deferred ${formatDuration(ms)}`, { until: until.toISOString() });
    await deps.say({ title: `⏸ Deferred ${label(claimed)}`, body: `Asking again in ${formatDuration(ms)} (${until.toISOString().slice(0, 16).replace('T', ' ')} UTC).` });
  }

  async function ignore(pr: PullRequestRow, actor: Actor): Promise<void> {
    const claimed = await store.claim(pr.id, actionableStages, 'ignored', { decided_by: actor.name });
    if (!claimed) return;
    await record(actor, 'pull-request.ignore', claimed, 'ignored');
    await deps.say({ title: `🔕 Ignoring ${label(claimed)}`, body: `Not asked about again until Renovate updates it. "approve PR ${claimed.number}" still merges it.` });
  }

  async function revert(pr: PullRequestRow, actor: Actor): Promise<void> {
    if (!deps.github) return deps.say(noGitHub(pr, 'reverted'));
    if (!pr.node_id) return deps.say({ title: `⚠️ ${label(pr)} not reverted`, body: 'GitHub did not give this PR a node id, which a revert needs.' });
    const reverted = await deps.github.revert(pr.node_id);
    if (!reverted.ok) {
      await record(actor, 'pull-request.revert', pr, `failed: ${reverted.message}`);
      return deps.say({ title: `⚠️ ${label(pr)} not reverted`, body: `GitHub refused${reverted.status ? ` (${reverted.status})` : ''}: ${reverted.message}` });
    }
    await store.update(pr.id, { deploy_state: 'reverted', deploy_note: `revert PR #${reverted.value.number}` });
    await record(actor, 'pull-request.revert', pr, 'revert opened', { revert: reverted.value.number });
    await deps.say({ title: `↩️ Revert of ${label(pr)} opened`, body: `PR #${reverted.value.number}: ${reverted.value.url}\nIt is a normal PR: merge it on GitHub (or it is asked about here if it is Renovate's).` });
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
        await deps.say({ title: 'Not for pull requests', body: '"custom:" plans are for incidents. Reply approve, defer or reject for a PR.' });
        return;
      }
      const single = decision.questionKind === 'pull-request';
      for (const pr of asked) {
        if (answer.kind === 'ignore') await ignore(pr, actor);
        else if (answer.kind === 'snooze') await defer(pr, answer.durationMs, actor);
        else if (single ? answer.option === PR_OPTIONS.merge : answer.option === DIGEST_OPTIONS.mergeAll) await merge(pr, actor);
        else if (single ? answer.option === PR_OPTIONS.defer : answer.option === DIGEST_OPTIONS.deferAll) await defer(pr, DEFAULT_PR_DEFER_MS, actor);
        else if (single && answer.option === PR_OPTIONS.reject) await reject(pr, actor);
      }
    },
  };
}

export type PullRequestActions = ReturnType<typeof createPullRequestActions>;
