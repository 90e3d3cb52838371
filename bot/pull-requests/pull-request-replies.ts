import { PR_OPTIONS } from '../../graphs/pull-request/pull-request-messages.ts';
import {
  ambiguousPullRequest,
  digestDetails,
  noSuchPullRequest,
  pullRequestDetails,
} from '../../graphs/pull-request/pull-request-notices.ts';
import type { Question } from '../../graphs/questions.ts';
import type { Reply, ReplyContext } from '../../graphs/replies.ts';
import type { AnsweringReply } from '../chat/answer-for.ts';
import { answerNotice, type AnswerQuestion } from '../chat/answer-question.ts';
import type { QuestionDesk } from '../chat/question-desk.ts';
import type { Queryable } from '../db/pool.ts';
import type { GitHubApi } from './github-api.ts';
import type { Actor, Notice, PullRequestActions } from './pull-request-actions.ts';
import { createPullRequestRepository, type PullRequestRow } from '../db/repositories/pull-requests.ts';

type PullRequestCommand = Extract<Reply, { kind: 'pull-request' }>;

export interface PullRequestRepliesDeps {
  db: Queryable;
  desk: QuestionDesk;
  actions: PullRequestActions;
  github: GitHubApi | undefined;
}

/**
 * `approve PR 47`, `defer PR 47 2d`, `reject PR 47`, `details PR 47`, and `details` on a PR question.
 * A command for a PR that has its own open question answers that question through the one answer path
 * (so every channel sees who decided, and a second answer is told it came late); otherwise it acts on
 * the PR directly.
 */
export function createPullRequestReplies(deps: PullRequestRepliesDeps) {
  const store = createPullRequestRepository(deps.db);

  async function find(number: number): Promise<{ pr: PullRequestRow } | { problem: Notice }> {
    const rows = await store.byNumber(number);
    if (rows.length === 0) return { problem: noSuchPullRequest(number) };
    const open = rows.filter((row) => row.state === 'open');
    if (open.length > 1)
      return {
        problem: ambiguousPullRequest(
          number,
          open.map((row) => row.repo),
        ),
      };
    return { pr: rows[0]! };
  }

  async function details(pr: PullRequestRow): Promise<Notice> {
    const checks = await store.checks(pr.repo, pr.head_sha);
    const files = deps.github ? await deps.github.files(pr.repo, pr.number) : undefined;
    return pullRequestDetails(pr, checks, files);
  }

  /** The command as an answer to the PR's own question. */
  function replyFor(command: PullRequestCommand): AnsweringReply {
    if (command.action === 'approve') return { kind: 'choose', option: PR_OPTIONS.merge };
    if (command.action === 'reject') return { kind: 'choose', option: PR_OPTIONS.reject };
    return { kind: 'snooze', durationMs: command.deferMs ?? 86_400_000 };
  }

  return {
    /** `answer` is the one answer path: a PR with an open question of its own is answered there. */
    async command(
      command: PullRequestCommand,
      context: ReplyContext,
      answer: AnswerQuestion,
    ): Promise<Notice | undefined> {
      const found = await find(command.pullRequest);
      if ('problem' in found) return found.problem;
      const { pr } = found;
      if (command.action === 'details') return details(pr);

      const actor: Actor = {
        id: context.sender,
        name: context.senderName ?? context.sender,
        channel: context.platform,
      };
      const question = pr.question_id ? await deps.desk.get(Number(pr.question_id)) : undefined;
      if (question && question.status === 'open' && question.kind === 'pull-request') {
        const outcome = await answer({
          platform: context.platform,
          sender: context.sender,
          ...(context.senderAliases ? { senderAliases: context.senderAliases } : {}),
          ...(context.senderName ? { senderName: context.senderName } : {}),
          target: { questionId: question.id },
          reply: replyFor(command),
        });
        if (outcome.outcome === 'decided') return undefined;
        if (outcome.outcome !== 'already answered' && outcome.outcome !== 'closed')
          return answerNotice(outcome, {
            kind: 'pull-request',
            action: command.action,
            pullRequest: command.pullRequest,
          });
      }
      if (command.action === 'approve') await deps.actions.merge(pr, actor);
      else if (command.action === 'reject') await deps.actions.reject(pr, actor);
      else await deps.actions.defer(pr, command.deferMs ?? 86_400_000, actor);
      return undefined;
    },

    /** `details` on a PR question: the one PR, or the digest's list with how to ask for one. */
    async detailsFor(question: Question): Promise<Notice> {
      const prs = await store.forQuestion(question.id);
      if (prs.length === 1) return details(prs[0]!);
      return digestDetails(question.title, prs);
    },
  };
}

export type PullRequestReplies = ReturnType<typeof createPullRequestReplies>;
