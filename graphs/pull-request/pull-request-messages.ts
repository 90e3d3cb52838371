import type { OutgoingNotice } from '../chat-port.ts';
import { inert } from '../inert-text.ts';
import type { QuestionRequest } from '../questions.ts';

/**
 * A Renovate pull request as chat shows it: "📦 Renovate PR #47: sonarr 4.0.1 → 4.0.2" with what
 * changed, the assessment and approve / defer / reject; several at once as one numbered digest.
 * Pure: the facts are gathered by bot/pull-requests/; the PR's own text, GitHub's and the model's are
 * quoted through `inert()`, one line each, never obeyed.
 */
export interface Assessment {
  /** What changed, in a sentence or two. */
  summary?: string;
  breaking?: string[];
  /** Whether it matters here (a fix matching recent incidents of the same service). */
  relevance?: string;
  risk?: 'low' | 'medium' | 'high';
  recommendation?: 'merge' | 'review' | 'wait';
  model?: string;
  /** Why there is no model's view (LLM unavailable). */
  degraded?: string;
  facts: {
    service: string;
    recentIncidents: { id: number; title: string; openedAt: string }[];
    /** When the version being replaced was merged, when Steward saw it happen. */
    currentSince?: { at: string; pullRequest: number };
  };
}

export interface PullRequestView {
  repo: string;
  number: number;
  url: string;
  updates: { package: string; from: string; to: string }[];
  updateType: string | undefined;
  checks: { passed: number; failing: string[]; pending: number } | undefined;
  assessment: Assessment | undefined;
}

export const PR_OPTIONS = { merge: 1, defer: 2, reject: 3 } as const;
export const DIGEST_OPTIONS = { mergeAll: 1, deferAll: 2 } as const;
export const DEFAULT_PR_DEFER_MS = 86_400_000;

/** `sonarr 4.0.1 → 4.0.2`, `eslint ^8.57.1 → ^9.9.0 (+2 more)`, or the title's `eslint → v9`. */
export function headline(pr: Pick<PullRequestView, 'updates'> & { title?: string }): string {
  const first = pr.updates[0];
  if (!first) return pr.title ? inert(pr.title, 120) : 'an update';
  const change = first.from ? `${inert(first.from, 40)} → ${inert(first.to, 40)}` : `→ ${inert(first.to, 40)}`;
  const more = pr.updates.length > 1 ? ` (+${pr.updates.length - 1} more)` : '';
  return `${inert(shortPackageName(first.package), 80)} ${change}${more}`;
}

/** `lscr.io/linuxserver/sonarr` → `sonarr`, `@types/node` stays: how people name the thing. */
export function shortPackageName(name: string): string {
  if (name.startsWith('@')) return name;
  return (name.split('/').pop() ?? name).replace(/:.*$/, '');
}

function checksLine(checks: PullRequestView['checks']): string {
  if (!checks) return 'checks: none reported yet';
  if (checks.failing.length > 0) return `checks: ❌ ${inert(checks.failing.join(', '), 200)} failing`;
  if (checks.pending > 0) return `checks: ⏳ ${checks.pending} running, ${checks.passed} passed`;
  return checks.passed > 0 ? `checks: ✅ ${checks.passed} passed` : 'checks: none reported yet';
}

function age(iso: string, now: Date): string {
  const days = Math.floor((now.getTime() - new Date(iso).getTime()) / 86_400_000);
  return days <= 0 ? 'today' : days === 1 ? '1 day ago' : `${days} days ago`;
}

function assessmentLines(assessment: Assessment | undefined, now: Date): string[] {
  if (!assessment) return [];
  const lines: string[] = [];
  if (assessment.summary) lines.push(`What changed: ${inert(assessment.summary, 400)}`);
  if (assessment.breaking && assessment.breaking.length > 0)
    lines.push(`⚠️ Breaking: ${inert(assessment.breaking.join('; '), 400)}`);
  if (assessment.relevance) lines.push(`Here: ${inert(assessment.relevance, 300)}`);
  const { facts } = assessment;
  if (facts.recentIncidents.length > 0) {
    const last = facts.recentIncidents[0]!;
    lines.push(
      `📊 ${facts.recentIncidents.length} recent incident${facts.recentIncidents.length === 1 ? '' : 's'} of ${inert(facts.service, 60)} in 30 days (last: #${last.id} ${inert(last.title, 80)}, ${age(last.openedAt, now)})`,
    );
  }
  lines.push(
    facts.currentSince
      ? `Stable: the current version since PR #${facts.currentSince.pullRequest}, ${age(facts.currentSince.at, now).replace(' ago', '')}`
      : 'Stable: how long the current version has run is not known to Steward',
  );
  if (assessment.risk)
    lines.push(
      `🤖 ${assessment.risk} risk${assessment.recommendation ? `, suggests: ${assessment.recommendation}` : ''}${assessment.model ? ` (${inert(assessment.model, 40)})` : ''}`,
    );
  else if (assessment.degraded) lines.push(`🤖 No assessment: ${inert(assessment.degraded, 200)}`);
  return lines;
}

export function pullRequestQuestion(pr: PullRequestView, mergeMethod: string, now = new Date()): QuestionRequest {
  const type = pr.updateType ? `${inert(pr.updateType, 20)} · ` : '';
  const risk = pr.assessment?.risk ?? (pr.updateType === 'major' ? 'medium' : 'low');
  return {
    kind: 'pull-request',
    title: `📦 Renovate PR #${pr.number}: ${headline(pr)}`,
    body: [
      `${inert(pr.repo, 100)} · ${type}${checksLine(pr.checks)}`,
      ...assessmentLines(pr.assessment, now),
      inert(pr.url, 200),
    ].join('\n'),
    options: [
      {
        number: PR_OPTIONS.merge,
        label: 'Approve (merge)',
        impact: `${mergeMethod} into the base branch`,
        risk,
        reversible: true,
      },
      { number: PR_OPTIONS.defer, label: 'Defer 1 day' },
      { number: PR_OPTIONS.reject, label: 'Reject (close the PR)' },
    ],
    replyHint: `Reply: approve, defer PR ${pr.number} 2d, reject PR ${pr.number}, or details`,
    defaultOption: PR_OPTIONS.merge,
  };
}

/** Several PRs at once: one message, each PR on its numbered line, and answers for all or by number. */
export function pullRequestDigest(prs: readonly PullRequestView[]): QuestionRequest {
  const lines = prs.map((pr) => {
    const notes = [
      pr.updateType ? inert(pr.updateType, 20) : undefined,
      pr.assessment?.risk ? `${pr.assessment.risk} risk` : undefined,
      pr.checks?.failing.length ? '❌ checks failing' : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    const summary = pr.assessment?.summary ? `\n   ${inert(pr.assessment.summary, 300)}` : '';
    const breaking = pr.assessment?.breaking?.length
      ? `\n   ⚠️ Breaking: ${inert(pr.assessment.breaking.join('; '), 300)}`
      : '';
    const relevance = pr.assessment?.relevance ? `\n   Here: ${inert(pr.assessment.relevance, 300)}` : '';
    return `PR #${pr.number} ${headline(pr)}${notes ? ` (${notes})` : ''} · ${inert(pr.repo, 100)}${summary}${breaking}${relevance}`;
  });
  const example = prs[0]!.number;
  return {
    kind: 'pull-request-digest',
    title: `📦 ${prs.length} Renovate PRs`,
    body: lines.join('\n'),
    options: [
      {
        number: DIGEST_OPTIONS.mergeAll,
        label: `Approve all ${prs.length} (merge)`,
        risk: prs.some((pr) => pr.updateType === 'major' || pr.assessment?.risk === 'high') ? 'medium' : 'low',
        reversible: true,
      },
      { number: DIGEST_OPTIONS.deferAll, label: 'Defer all 1 day' },
    ],
    replyHint: `Reply: approve PR ${example}, defer PR ${example} 2d, reject PR ${example}, details PR ${example}, or 1 / 2 for all`,
  };
}

/** After a merge: deployed and healthy, or a failure with the revert option. */
export function deployedNotice(
  pr: { number: number; title: string; updates: PullRequestView['updates'] },
  environment: string,
  description: string | null,
): OutgoingNotice {
  return {
    kind: 'notice',
    title: `✅ ${headline(pr)} deployed`,
    body: `PR #${pr.number} is live in ${inert(environment, 60)}${description ? `: ${inert(description, 200)}` : ''}. Health checks passing.`,
  };
}

export function deployFailedQuestion(
  pr: { number: number; title: string; updates: PullRequestView['updates']; url: string },
  environment: string,
  description: string | null,
): QuestionRequest {
  return {
    kind: 'pull-request-deploy',
    title: `❌ Deploying ${headline(pr)} failed`,
    body: `PR #${pr.number} did not deploy to ${inert(environment, 60)}${description ? `: ${inert(description, 200)}` : ''}.\n${inert(pr.url, 200)}`,
    options: [
      {
        number: 1,
        label: 'Revert (open a revert PR)',
        impact: 'a new pull request that undoes the merge',
        risk: 'low',
        reversible: true,
      },
      { number: 2, label: 'Leave it, I will look' },
    ],
    replyHint: 'Reply: 1 to revert, 2 to leave it',
    defaultOption: 1,
  };
}
