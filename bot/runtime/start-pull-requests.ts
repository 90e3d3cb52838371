import type { Decision, DecisionListener } from '../../graphs/questions.ts';
import type { IntakeEvent } from '../../webhooks/intake-event.ts';
import { isRenovatePullRequest } from '../../webhooks/github/renovate-pr.ts';
import type { ChatCommands } from '../chat/chat-commands.ts';
import type { Config, StructuredConfig } from '../config/index.ts';
import type { Coordination } from '../coordination/index.ts';
import type { Pool } from '../db/pool.ts';
import { createDecisionRepository } from '../db/repositories/decisions.ts';
import type { LlmGateway } from '../llm/gateway.ts';
import type { Logger } from '../logging/index.ts';
import { createGitHubApi } from '../pull-requests/github-api.ts';
import { createPullRequestActions, type Notice } from '../pull-requests/pull-request-actions.ts';
import { createPullRequestReplies } from '../pull-requests/pull-request-replies.ts';
import { createPullRequestWorker } from '../pull-requests/pull-request-worker.ts';
import { readRenovateConfig } from '../pull-requests/rollout-config.ts';
import type { McpHub } from '../mcp/mcp-hub.ts';
import { createPeriodicTask } from '../tasks/periodic-task.ts';
import type { Chat } from './start-chat.ts';
import type { Shutdown } from './shutdown.ts';

export interface PullRequestDeps {
  config: Pick<Config, 'github'>;
  structured: StructuredConfig;
  mcp: Pick<McpHub, 'call'>;
  pool: Pool;
  coordination: Coordination;
  logger: Logger;
  chat: Chat;
  llm: LlmGateway;
  shutdown: Shutdown;
  commands: ChatCommands;
  /** How often the worker looks without being woken (deferrals, digests, deployments). */
  tickMs?: number;
}

export const pullRequestQuestionKinds = new Set(['pull-request', 'pull-request-digest', 'pull-request-deploy']);

/**
 * Renovate pull requests: which deliveries are followed (GITHUB_REPOS, Renovate's author or branch),
 * the worker that assesses, digests, asks and follows deployments, the chat commands, and the listener
 * for answers to PR questions.
 */
export function startPullRequests(deps: PullRequestDeps) {
  const { github } = deps.config;
  const logger = deps.logger.child({ component: 'pull-requests' });
  const { rollout } = readRenovateConfig(deps.structured.renovate);
  const api = github.token ? createGitHubApi({ baseUrl: github.apiUrl, token: github.token }) : undefined;
  if (!api)
    logger.info({}, 'GITHUB_TOKEN is not set: Renovate PRs are announced, but approve, reject and revert cannot act');
  const say = async (notice: Notice) => {
    await deps.chat.outbox.enqueue({ channels: deps.chat.channels, message: { kind: 'notice', ...notice } });
    deps.chat.wake();
  };
  const worker = createPullRequestWorker({
    pool: deps.pool,
    coordination: deps.coordination,
    llm: deps.llm,
    desk: deps.chat.desk,
    say,
    logger,
    mergeMethod: github.mergeMethod,
    digestQuietMs: github.digestQuietMs,
    digestWindowMs: github.digestWindowMs,
    deployWaitMs: github.deployWaitMs,
    ...(rollout ? { rollout: { config: rollout, call: (tool, args) => deps.mcp.call(tool, args) } } : {}),
  });
  const task = createPeriodicTask(
    async () => {
      const { againInMs } = await worker.tick();
      if (againInMs !== undefined) task.wakeIn(againInMs);
    },
    { everyMs: deps.tickMs ?? 15_000, onError: (error) => logger.error({ err: error }, 'pull request work failed') },
  );
  const actions = createPullRequestActions({
    db: deps.pool,
    github: api,
    mergeMethod: github.mergeMethod,
    say,
    logger,
  });
  const decisions = createDecisionRepository(deps.pool);
  const listener: DecisionListener = {
    async onDecision(decision: Decision) {
      const recorded = await decisions.forQuestion(decision.questionId);
      await actions.onDecision(decision, recorded?.actorName ?? decision.actor);
      task.wake();
    },
  };
  const replies = createPullRequestReplies({ db: deps.pool, desk: deps.chat.desk, actions, github: api });
  deps.commands.pullRequest = async (reply, context, answerQuestion) => {
    const answer = await replies.command(reply, context, answerQuestion);
    // A PR answered by number may leave its digest with nothing to ask: let the worker withdraw it now.
    task.wake();
    return answer;
  };
  deps.commands.pullRequestDetails = (question) => replies.detailsFor(question);

  task.start();
  deps.shutdown.add('pull requests', () => task.stop());

  return {
    listener,
    /** Intake stored something from GitHub: look now. */
    wake: task.wake,
    skipRepositoryEvent: (event: Exclude<IntakeEvent, { kind: 'alert-group' }>): string | undefined => {
      const repo = event.kind === 'context' ? event.subject : event.repo;
      if (github.repos && !github.repos.some((followed) => followed.toLowerCase() === repo.toLowerCase()))
        return `${repo} is not in GITHUB_REPOS`;
      if (
        event.kind === 'pull-request' &&
        !isRenovatePullRequest(event, { authors: github.renovateAuthors, branchPrefix: github.renovateBranchPrefix })
      ) {
        return `not a Renovate pull request (author ${event.author}, branch ${event.headRef})`;
      }
      return undefined;
    },
  };
}
