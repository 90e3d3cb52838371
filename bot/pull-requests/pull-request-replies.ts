import { inert, quotedLines } from '../../graphs/inert-text.ts';
import { headline, PR_OPTIONS } from '../../graphs/pull-request/pull-request-messages.ts';
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

const NOTES_IN_CHAT = 3_000;
const NOTE_LINES = 40;

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
    if (rows.length === 0) return { problem: { title: `No PR #${number}`, body: `Steward has not seen a Renovate pull request #${number}. Reply "status" to see what is pending.` } };
    const open = rows.filter((row) => row.state === 'open');
    if (open.length > 1) return { problem: { title: `PR #${number} is ambiguous`, body: `Open in ${open.map((row) => row.repo).join(' and ')}; answer it on its question instead (quote or thread under it).` } };
    return { pr: rows[0]! };
  }

  async function details(pr: PullRequestRow): Promise<Notice> {
    // Everything here but the numbers is the PR's, GitHub's or the model's text: inert, one line each,
    // and the release notes quoted line by line, so none of it can look like an option.
    const lines = [`${inert(pr.repo, 100)} · ${inert(pr.update_type ?? 'update', 20)} · ${pr.stage} · ${inert(pr.url, 200)}`];
    for (const update of pr.updates) lines.push(`• ${inert(update.package, 100)}: ${inert(update.from || '?', 40)} → ${inert(update.to, 40)}${update.depType ? ` (${inert(update.depType, 40)})` : ''}`);
    const checks = await store.checks(pr.repo, pr.head_sha);
    if (checks) lines.push(`Checks: ${checks.passed} passed${checks.failing.length ? `, failing: ${inert(checks.failing.join(', '), 200)}` : ''}${checks.pending ? `, ${checks.pending} running` : ''}`);
    if (deps.github) {
      const files = await deps.github.files(pr.repo, pr.number);
      if (files.ok) lines.push(`Files changed (${files.value.length}):`, ...files.value.slice(0, 20).map((file) => `  ${inert(file.name, 160)} +${file.additions} −${file.deletions}`));
      else lines.push(`Files changed: GitHub did not answer (${inert(files.message, 200)}).`);
    }
    if (pr.assessment?.summary) lines.push(`🤖 ${inert(pr.assessment.summary, 400)}`);
    const notes = pr.release_notes.trim();
    lines.push('', notes ? `Release notes:\n${quotedLines(notes.slice(0, NOTES_IN_CHAT), NOTE_LINES)}${notes.length > NOTES_IN_CHAT ? '\n…(more in the PR)' : ''}` : 'No release notes in the PR.');
    return { title: `📦 PR #${pr.number}: ${headline(pr)}`, body: lines.join('\n') };
  }

  /** The command as an answer to the PR's own question. */
  function replyFor(command: PullRequestCommand): AnsweringReply {
    if (command.action === 'approve') return { kind: 'choose', option: PR_OPTIONS.merge };
    if (command.action === 'reject') return { kind: 'choose', option: PR_OPTIONS.reject };
    return { kind: 'snooze', durationMs: command.deferMs ?? 86_400_000 };
  }

  return {
    /** `answer` is the one answer path: a PR with an open question of its own is answered there. */
    async command(command: PullRequestCommand, context: ReplyContext, answer: AnswerQuestion): Promise<Notice | undefined> {
      const found = await find(command.pullRequest);
      if ('problem' in found) return found.problem;
      const { pr } = found;
      if (command.action === 'details') return details(pr);

      const actor: Actor = { id: context.sender, name: context.senderName ?? context.sender, channel: context.platform };
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
        if (outcome.outcome !== 'already answered' && outcome.outcome !== 'closed') return answerNotice(outcome, { kind: 'pull-request', action: command.action, pullRequest: command.pullRequest });
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
      return {
        title: question.title,
        body: `${prs.map((pr) => `PR #${pr.number} ${headline(pr)} (${pr.stage})`).join('\n')}\n\nReply "details PR ${prs[0]?.number ?? 47}" for one of them.`,
      };
    },
  };
}

export type PullRequestReplies = ReturnType<typeof createPullRequestReplies>;
