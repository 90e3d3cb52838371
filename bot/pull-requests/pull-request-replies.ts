import { headline, PR_OPTIONS } from '../../graphs/pull-request/pull-request-messages.ts';
import type { Answer, DecisionListener, Question } from '../../graphs/questions.ts';
import type { Reply, ReplyContext } from '../../graphs/replies.ts';
import type { QuestionDesk } from '../chat/question-desk.ts';
import type { Queryable } from '../db/pool.ts';
import type { GitHubApi } from './github-api.ts';
import type { Actor, Notice, PullRequestActions } from './pull-request-actions.ts';
import { createPullRequestStore, type PullRequestRow } from './pull-request-store.ts';

type PullRequestCommand = Extract<Reply, { kind: 'pull-request' }>;

const NOTES_IN_CHAT = 3_000;

export interface PullRequestRepliesDeps {
  db: Queryable;
  desk: QuestionDesk;
  actions: PullRequestActions;
  github: GitHubApi | undefined;
  listener: DecisionListener;
}

/**
 * `approve PR 47`, `defer PR 47 2d`, `reject PR 47`, `details PR 47`, and `details` on a PR question.
 * A command for a PR that has its own open question answers that question (so every channel sees who
 * decided, and a second answer is told it came late); otherwise it acts on the PR directly.
 */
export function createPullRequestReplies(deps: PullRequestRepliesDeps) {
  const store = createPullRequestStore(deps.db);

  async function find(number: number): Promise<{ pr: PullRequestRow } | { problem: Notice }> {
    const rows = await store.byNumber(number);
    if (rows.length === 0) return { problem: { title: `No PR #${number}`, body: `Steward has not seen a Renovate pull request #${number}. Reply "status" to see what is pending.` } };
    const open = rows.filter((row) => row.state === 'open');
    if (open.length > 1) return { problem: { title: `PR #${number} is ambiguous`, body: `Open in ${open.map((row) => row.repo).join(' and ')}; answer it on its question instead (quote or thread under it).` } };
    return { pr: rows[0]! };
  }

  async function details(pr: PullRequestRow): Promise<Notice> {
    const lines = [`${pr.repo} · ${pr.update_type ?? 'update'} · ${pr.stage} · ${pr.url}`];
    for (const update of pr.updates) lines.push(`• ${update.package}: ${update.from || '?'} → ${update.to}${update.depType ? ` (${update.depType})` : ''}`);
    const checks = await store.checks(pr.repo, pr.head_sha);
    if (checks) lines.push(`Checks: ${checks.passed} passed${checks.failing.length ? `, failing: ${checks.failing.join(', ')}` : ''}${checks.pending ? `, ${checks.pending} running` : ''}`);
    if (deps.github) {
      const files = await deps.github.files(pr.repo, pr.number);
      if (files.ok) lines.push(`Files changed (${files.value.length}):`, ...files.value.slice(0, 20).map((file) => `  ${file.name} +${file.additions} −${file.deletions}`));
      else lines.push(`Files changed: GitHub did not answer (${files.message}).`);
    }
    if (pr.assessment?.summary) lines.push(`🤖 ${pr.assessment.summary}`);
    const notes = pr.release_notes.trim();
    lines.push('', notes ? `Release notes:\n${notes.length > NOTES_IN_CHAT ? `${notes.slice(0, NOTES_IN_CHAT)}\n…(more in the PR)` : notes}` : 'No release notes in the PR.');
    return { title: `📦 PR #${pr.number}: ${headline(pr)}`, body: lines.join('\n') };
  }

  function answerFor(command: PullRequestCommand): Answer | undefined {
    if (command.action === 'approve') return { kind: 'option', option: PR_OPTIONS.merge, label: 'Approve (merge)' };
    if (command.action === 'reject') return { kind: 'option', option: PR_OPTIONS.reject, label: 'Reject (close the PR)' };
    if (command.action === 'defer') return { kind: 'snooze', durationMs: command.deferMs ?? 86_400_000 };
    return undefined;
  }

  return {
    async command(command: PullRequestCommand, context: ReplyContext): Promise<Notice | undefined> {
      const found = await find(command.pullRequest);
      if ('problem' in found) return found.problem;
      const { pr } = found;
      if (command.action === 'details') return details(pr);

      const actor: Actor = { id: context.sender, name: context.senderName ?? context.sender, channel: context.platform };
      const answer = answerFor(command)!;
      const question = pr.question_id ? await deps.desk.get(Number(pr.question_id)) : undefined;
      if (question && question.status === 'open' && question.kind === 'pull-request') {
        const decided = await deps.desk.decide(question.id, answer, actor.id, actor.channel, actor.name);
        if (decided.outcome === 'decided') {
          await deps.listener.onDecision({ questionId: question.id, incidentId: undefined, questionKind: question.kind, answer, actor: actor.id, channel: actor.channel });
          return undefined;
        }
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
