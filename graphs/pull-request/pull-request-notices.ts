import { formatDuration } from '../durations.ts';
import { inert, quotedLines } from '../inert-text.ts';
import { headline, type PullRequestView } from './pull-request-messages.ts';

/** An update as Renovate lists it; `depType` only where the PR says. */
type Update = { package: string; from: string; to: string; depType?: string };

/**
 * What Steward says back about a pull request after an answer: merged, rejected, deferred, ignored,
 * reverted, or why not. Names (who decided, who closed it on GitHub) and GitHub's own messages come
 * from outside and are made inert.
 */

export interface Notice {
  title: string;
  body: string;
}

type Named = { number: number; title?: string; updates: Update[] };

/** "PR #47 postgres 16.3 → 16.4", how every notice names a PR. */
export function pullRequestLabel(pr: Named): string {
  return `PR #${pr.number} ${headline(pr)}`;
}

const who = (name: string) => inert(name, 80);
const refusal = (status: number | undefined, message: string) =>
  `GitHub refused${status ? ` (${status})` : ''}: ${inert(message, 300)}`;

/** Why a PR cannot be acted on any more, in words. */
export function nothingToDo(
  pr: Named & { stage: string; decided_by: string | null; closed_by: string | null },
): Notice {
  const label = pullRequestLabel(pr);
  const why = (() => {
    switch (pr.stage) {
      case 'merging':
        return `${label} is being merged right now.`;
      case 'merged':
        return `${label} is already merged${pr.decided_by ? ` (approved by ${who(pr.decided_by)})` : pr.closed_by ? ` (by ${who(pr.closed_by)} on GitHub)` : ''}.`;
      case 'rejected':
        return `${label} was rejected${pr.decided_by ? ` by ${who(pr.decided_by)}` : ''} and is closed.`;
      default:
        return `${label} is closed on GitHub${pr.closed_by ? ` (by ${who(pr.closed_by)})` : ''}.`;
    }
  })();
  return { title: `${label}: nothing to do`, body: why };
}

export function noGitHubToken(pr: Named, what: 'merged' | 'rejected' | 'reverted'): Notice {
  return {
    title: `⛔ ${pullRequestLabel(pr)} not ${what}`,
    body: 'GITHUB_TOKEN is not set, so Steward cannot change pull requests. Set it to a token allowed to merge and close PRs.',
  };
}

export function readinessUnknown(pr: Named, message: string): Notice {
  return {
    title: `⚠️ ${pullRequestLabel(pr)} not merged`,
    body: `GitHub could not be asked whether it may be merged (${inert(message, 300)}). Nothing changed; reply "approve PR ${pr.number}" to try again.`,
  };
}

/**
 * Why GitHub's view of a PR stops a merge now, in words, or none: not open, checks failing or running
 * (their names are GitHub's: `notMergeable` makes them inert), conflicts, branch protection, or new
 * commits since `shownSha` was shown. Pure.
 */
export function mergeProblems(
  ready: {
    state: string;
    failing: readonly string[];
    pending: readonly string[];
    mergeable: boolean | null;
    mergeableState: string;
    headSha: string;
  },
  shownSha: string,
): string[] {
  const problems: string[] = [];
  if (ready.state !== 'open') problems.push('it is no longer open on GitHub');
  if (ready.failing.length > 0) problems.push(`checks failing: ${ready.failing.join(', ')}`);
  if (ready.pending.length > 0) problems.push(`checks still running: ${ready.pending.join(', ')}`);
  if (ready.mergeable === false || ready.mergeableState === 'dirty')
    problems.push('it has merge conflicts (Renovate rebases it on its next run)');
  else if (ready.mergeableState === 'blocked')
    problems.push('branch protection blocks it (a required review or check is missing)');
  if (ready.headSha !== shownSha) problems.push('it changed since it was shown here (new commits); look again first');
  return problems;
}

export function notMergeable(pr: Named, problems: readonly string[]): Notice {
  return {
    title: `⛔ ${pullRequestLabel(pr)} not merged`,
    body: `${problems.map((problem) => `• ${inert(problem, 300)}`).join('\n')}\nReply "approve PR ${pr.number}" once that is fixed, or "details PR ${pr.number}".`,
  };
}

export function mergeRefused(pr: Named, status: number | undefined, message: string): Notice {
  return {
    title: `⛔ ${pullRequestLabel(pr)} not merged`,
    body: `${refusal(status, message).replace('GitHub refused', 'GitHub refused the merge')}`,
  };
}

export function merged(pr: Named, method: string, actor: { name: string; channel: string }): Notice {
  return {
    title: `🔀 Merged ${pullRequestLabel(pr)}`,
    body: `${method} by ${who(actor.name)} via ${actor.channel}. Waiting for its deployment.`,
  };
}

export function notClosed(pr: Named, status: number | undefined, message: string): Notice {
  return { title: `⚠️ ${pullRequestLabel(pr)} not closed`, body: refusal(status, message) };
}

export function rejected(pr: Named, actor: { name: string; channel: string }): Notice {
  return {
    title: `🚫 Rejected ${pullRequestLabel(pr)}`,
    body: `Closed on GitHub with a comment, by ${who(actor.name)} via ${actor.channel}.`,
  };
}

/** The comment left on GitHub when the owner rejects from chat. */
export function rejectionComment(actor: { name: string; channel: string }): string {
  return `Rejected from chat by ${inert(actor.name, 80)} (via ${actor.channel}, through Steward).`;
}

export function deferred(pr: Named, ms: number, until: Date): Notice {
  return {
    title: `⏸ Deferred ${pullRequestLabel(pr)}`,
    body: `Asking again in ${formatDuration(ms)} (${until.toISOString().slice(0, 16).replace('T', ' ')} UTC).`,
  };
}

export function ignoring(pr: Named): Notice {
  return {
    title: `🔕 Ignoring ${pullRequestLabel(pr)}`,
    body: `Not asked about again until Renovate updates it. "approve PR ${pr.number}" still merges it.`,
  };
}

export function notReverted(pr: Named, why: { status?: number; message: string } | 'no node id'): Notice {
  return {
    title: `⚠️ ${pullRequestLabel(pr)} not reverted`,
    body:
      why === 'no node id'
        ? 'GitHub did not give this PR a node id, which a revert needs.'
        : refusal(why.status, why.message),
  };
}

export function revertOpened(pr: Named, revert: { number: number; url: string }): Notice {
  return {
    title: `↩️ Revert of ${pullRequestLabel(pr)} opened`,
    body: `PR #${revert.number}: ${inert(revert.url, 200)}\nIt is a normal PR: merge it on GitHub (or it is asked about here if it is Renovate's).`,
  };
}

export const customNotForPullRequests: Notice = {
  title: 'Not for pull requests',
  body: '"custom:" plans are for incidents. Reply approve, defer or reject for a PR.',
};

/** A merged PR the rollout tool was watching and that did not go live within the wait. */
export function notSeenDeployed(pr: Named, waitedMs: number, lastSeen: string | null): Notice {
  return {
    title: `⏳ ${headline(pr)} not seen deployed`,
    body: `PR #${pr.number} was merged ${Math.round(waitedMs / 60_000)} min ago and is not live yet. Last seen: ${lastSeen ? inert(lastSeen, 200) : 'nothing'}. Steward no longer follows it.`,
  };
}

export function noSuchPullRequest(number: number): Notice {
  return {
    title: `No PR #${number}`,
    body: `Steward has not seen a Renovate pull request #${number}. Reply "status" to see what is pending.`,
  };
}

export function ambiguousPullRequest(number: number, repos: readonly string[]): Notice {
  return {
    title: `PR #${number} is ambiguous`,
    body: `Open in ${repos.map((repo) => inert(repo, 100)).join(' and ')}; answer it on its question instead (quote or thread under it).`,
  };
}

const NOTES_IN_CHAT = 3_000;
const NOTE_LINES = 40;

/** `details PR 47`: everything but the numbers is the PR's, GitHub's or the model's text, so inert, and the release notes quoted line by line. */
export function pullRequestDetails(
  pr: Named & {
    repo: string;
    update_type: string | null;
    stage: string;
    url: string;
    release_notes: string;
    assessment: { summary?: string } | null;
  },
  checks: PullRequestView['checks'],
  files:
    | { ok: true; value: readonly { name: string; additions: number; deletions: number }[] }
    | { ok: false; message: string }
    | undefined,
): Notice {
  const lines = [
    `${inert(pr.repo, 100)} · ${inert(pr.update_type ?? 'update', 20)} · ${pr.stage} · ${inert(pr.url, 200)}`,
  ];
  for (const update of pr.updates)
    lines.push(
      `• ${inert(update.package, 100)}: ${inert(update.from || '?', 40)} → ${inert(update.to, 40)}${update.depType ? ` (${inert(update.depType, 40)})` : ''}`,
    );
  if (checks)
    lines.push(
      `Checks: ${checks.passed} passed${checks.failing.length ? `, failing: ${inert(checks.failing.join(', '), 200)}` : ''}${checks.pending ? `, ${checks.pending} running` : ''}`,
    );
  if (files?.ok)
    lines.push(
      `Files changed (${files.value.length}):`,
      ...files.value.slice(0, 20).map((file) => `  ${inert(file.name, 160)} +${file.additions} −${file.deletions}`),
    );
  else if (files) lines.push(`Files changed: GitHub did not answer (${inert(files.message, 200)}).`);
  if (pr.assessment?.summary) lines.push(`🤖 ${inert(pr.assessment.summary, 400)}`);
  const notes = pr.release_notes.trim();
  lines.push(
    '',
    notes
      ? `Release notes:\n${quotedLines(notes.slice(0, NOTES_IN_CHAT), NOTE_LINES)}${notes.length > NOTES_IN_CHAT ? '\n…(more in the PR)' : ''}`
      : 'No release notes in the PR.',
  );
  return { title: `📦 PR #${pr.number}: ${headline(pr)}`, body: lines.join('\n') };
}

/** `details` on a digest: its PRs, and how to ask for one. */
export function digestDetails(title: string, prs: readonly (Named & { stage: string })[]): Notice {
  return {
    title,
    body: `${prs.map((pr) => `PR #${pr.number} ${headline(pr)} (${pr.stage})`).join('\n')}\n\nReply "details PR ${prs[0]?.number ?? 47}" for one of them.`,
  };
}

/**
 * A PR question withdrawn because none of its PRs still waits for it: each PR and what became of it
 * ("PR #47 postgres 16.3 → 16.4: merged on GitHub by alice"). Who closed it is outside text.
 */
export function noLongerWaiting(prs: readonly (Named & { stage: string; closed_by: string | null })[]): Notice {
  return {
    title: '✔ No longer needs an answer',
    body: prs.map((pr) => `${pullRequestLabel(pr)}: ${stageWords(pr.stage, pr.closed_by)}`).join('\n'),
  };
}

function stageWords(stage: string, closedBy: string | null): string {
  switch (stage) {
    case 'merged':
      return closedBy ? `merged on GitHub by ${who(closedBy)}` : 'merged';
    case 'closed':
      return closedBy ? `closed on GitHub by ${who(closedBy)}` : 'closed on GitHub';
    case 'new':
    case 'assessing':
    case 'assessed':
      return 'changed on GitHub; asking again';
    case 'deferred':
      return 'deferred';
    case 'rejected':
      return 'rejected';
    case 'ignored':
      return 'ignored';
    default:
      return stage;
  }
}
