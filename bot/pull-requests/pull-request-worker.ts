import { noLongerWaiting, notSeenDeployed } from '../../graphs/pull-request/pull-request-notices.ts';
import {
  DEFAULT_PR_DEFER_MS,
  deployedNotice,
  deployFailedQuestion,
  pullRequestDigest,
  pullRequestQuestion,
} from '../../graphs/pull-request/pull-request-messages.ts';
import type { QuestionRequest } from '../../graphs/questions.ts';
import type { QuestionDesk } from '../chat/question-desk.ts';
import type { Coordination } from '../coordination/index.ts';
import type { Pool } from '../db/pool.ts';
import { createPullRequestRepository, type PullRequestRow } from '../db/repositories/pull-requests.ts';
import { createQuestionRepository } from '../db/repositories/questions.ts';
import type { LlmGateway } from '../llm/gateway.ts';
import type { Logger } from '../logging/index.ts';
import type { ToolCallResult } from '../mcp/mcp-hub.ts';
import { assessPullRequest } from './assess-pull-request.ts';
import type { Notice } from './pull-request-actions.ts';
import type { RolloutConfig } from './rollout-config.ts';
import { readRollout, rolloutTarget } from './rollout-probe.ts';

export interface PullRequestWorkerDeps {
  pool: Pool;
  coordination: Coordination;
  llm: LlmGateway;
  desk: QuestionDesk;
  say(notice: Notice): Promise<void>;
  logger: Logger;
  mergeMethod: string;
  /** Asked once none arrived for this long… */
  digestQuietMs: number;
  /** …or once the first has waited this long. */
  digestWindowMs: number;
  deployWaitMs: number;
  /** Follows merged PRs through an MCP tool (Argo CD) as well as GitHub's deployment statuses. */
  rollout?: { config: RolloutConfig; call(tool: string, args: Record<string, unknown>): Promise<ToolCallResult> };
  now?: () => Date;
}

const MAX_IN_DIGEST = 15;

/**
 * Everything that happens to a Renovate PR after intake stored it, done from the database so that a
 * restart loses nothing: assess new PRs, hold them for the digest, ask, ask again when a deferral is
 * due, withdraw questions whose PRs were merged or changed elsewhere, and follow merged PRs to their
 * deployment. One replica at a time works (a coordination lock); each step is a guarded UPDATE.
 */
export function createPullRequestWorker(deps: PullRequestWorkerDeps) {
  const store = createPullRequestRepository(deps.pool);
  const questions = createQuestionRepository(deps.pool);
  const now = deps.now ?? (() => new Date());

  /** Questions none of whose PRs are still waiting for it: merged or closed on GitHub, changed, or all answered by number. */
  async function withdrawStale(): Promise<void> {
    for (const row of await store.questionsNoLongerWaiting()) {
      if (!(await questions.withdraw(Number(row.id)))) continue;
      const notice = noLongerWaiting(row.prs);
      await deps.desk.announceWithdrawn([Number(row.id)], notice.title, notice.body);
    }
  }

  async function assessNew(): Promise<void> {
    for (const pr of await store.claimForAssessment()) {
      const assessment = await assessPullRequest({ db: deps.pool, llm: deps.llm }, pr);
      await store.claim(pr.id, ['assessing'], 'assessed', { assessment: JSON.stringify(assessment) });
    }
  }

  /** A merge that never finished (the process died mid-call): GitHub's closed webhook says if it happened. */
  async function releaseStaleMerges(): Promise<void> {
    await store.releaseStaleMerges();
  }

  /** A PR question nobody answered in time: asked again a day later, not nagged about every tick. */
  async function deferExpired(): Promise<void> {
    await store.deferExpiredQuestions(new Date(now().getTime() + DEFAULT_PR_DEFER_MS));
  }

  async function wakeDeferred(): Promise<void> {
    await store.wakeDeferred(now());
  }

  /** Asks when the digest rule allows; otherwise returns how long until it may. */
  async function askReady(): Promise<number | undefined> {
    const ready = await store.readyToAsk();
    if (ready.length === 0) return undefined;
    const busy = await store.anyBeingAssessed();
    const at = now().getTime();
    const oldest = ready[0]!.stage_changed_at.getTime();
    const newest = ready[ready.length - 1]!.stage_changed_at.getTime();
    const quiet = at - newest >= deps.digestQuietMs && !busy;
    if (!quiet && at - oldest < deps.digestWindowMs)
      return Math.max(100, Math.min(newest + deps.digestQuietMs, oldest + deps.digestWindowMs) - at);

    const batch = ready.slice(0, MAX_IN_DIGEST).sort((a, b) => a.number - b.number);
    const views = await Promise.all(batch.map((pr) => store.view(pr)));
    const request: QuestionRequest =
      batch.length === 1 ? pullRequestQuestion(views[0]!, deps.mergeMethod, now()) : pullRequestDigest(views);
    const questionId = await deps.desk.ask(request);
    await store.markAsked(
      batch.map((pr) => pr.id),
      questionId,
    );
    deps.logger.info(
      { questionId, pullRequests: batch.map((pr) => `${pr.repo}#${pr.number}`) },
      batch.length === 1 ? 'pull request asked' : 'pull request digest asked',
    );
    return ready.length > batch.length ? 0 : undefined;
  }

  /** Claims a waiting PR's outcome once (GitHub's status and the tool may both tell) and says it. */
  async function settleDeployment(
    pr: PullRequestRow,
    outcome: 'deployed' | 'failed',
    environment: string,
    description: string | null,
  ): Promise<void> {
    if (!(await store.settleDeployment(pr.id, outcome, `${environment}: ${description ?? outcome}`))) return;
    if (outcome === 'deployed') {
      await deps.say(deployedNotice(pr, environment, description));
    } else {
      const questionId = await deps.desk.ask(deployFailedQuestion(pr, environment, description));
      await store.update(pr.id, { question_id: questionId });
    }
  }

  /** Merged PRs meet their deployment status (by the merged commit). */
  async function followDeploymentStatuses(): Promise<void> {
    for (const pr of await store.waitingWithDeploymentStatus()) {
      const { state, environment, description } = pr.deployment;
      await settleDeployment(pr, state === 'success' ? 'deployed' : 'failed', environment, description);
    }
  }

  /** When the rollout tool was last asked: a worker woken by every GitHub delivery still asks at most every `every`. */
  let probedAt = Number.NEGATIVE_INFINITY;

  /** Merged PRs looked at through the rollout tool; returns when to look again while any is waiting. */
  async function followRollouts(): Promise<number | undefined> {
    if (!deps.rollout) return undefined;
    const { config } = deps.rollout;
    const waiting = (await store.waitingForDeployment()).flatMap((pr) => {
      const target = rolloutTarget(config, pr);
      return target ? [{ pr, target }] : [];
    });
    if (waiting.length === 0) return undefined;
    const sinceLast = now().getTime() - probedAt;
    if (sinceLast < config.every) return config.every - sinceLast;
    probedAt = now().getTime();
    for (const { pr, target } of waiting) {
      const seen = readRollout(await deps.rollout.call(config.tool, target.arguments), {
        sha: pr.merge_commit_sha,
        at: pr.merged_at!,
      });
      if (seen.verdict === 'pending') {
        await store.noteDeployment(pr.id, `${target.app}: ${seen.detail}`);
      } else {
        await settleDeployment(pr, seen.verdict, target.app, seen.detail);
      }
    }
    return config.every;
  }

  /** None within the wait: no longer followed; one the tool was watching is reported with what was last seen. */
  async function stopFollowingLate(): Promise<void> {
    const late = await store.stopFollowingMergedBefore(new Date(now().getTime() - deps.deployWaitMs));
    if (!deps.rollout) return;
    for (const pr of late) {
      if (!rolloutTarget(deps.rollout.config, pr)) continue;
      await deps.say(notSeenDeployed(pr, deps.deployWaitMs, pr.deploy_note));
    }
  }

  return {
    /** One pass; returns when to look again sooner than the regular tick (a digest's quiet time ending). */
    async tick(): Promise<{ againInMs?: number }> {
      const lock = await deps.coordination.acquireLock('pull-requests', 120_000);
      if (!lock) return {};
      try {
        await withdrawStale();
        await releaseStaleMerges();
        await assessNew();
        await deferExpired();
        await wakeDeferred();
        const askAgainInMs = await askReady();
        await followDeploymentStatuses();
        const probeAgainInMs = await followRollouts();
        await stopFollowingLate();
        const soonest = [askAgainInMs, probeAgainInMs].filter((value) => value !== undefined);
        return soonest.length === 0 ? {} : { againInMs: Math.min(...soonest) };
      } finally {
        await lock.release();
      }
    },
  };
}
