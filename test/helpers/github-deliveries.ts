import { createHmac, randomUUID } from 'node:crypto';
import { fixture } from './fixtures.ts';

/** GitHub's signature, computed here independently of the code under test (HMAC-SHA256 of the raw body). */
export function sign(secret: string, raw: string): string {
  return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}

/** A Renovate body in the current layout (config:recommended: Package | Change | Age | Confidence). */
export function renovateBody(updates: { package: string; from: string; to: string }[], releaseNotes: string): string {
  const rows = updates.map(
    (update) =>
      `| [${update.package.replace(/^@/, '@&#8203;')}](https://example.org/${update.package}) | \`${update.from}\` → \`${update.to}\` | ![age](https://developer.mend.io/x) | ![confidence](https://developer.mend.io/y) |`,
  );
  return [
    'This PR contains the following updates:',
    '',
    '| Package | Change | [Age](https://docs.renovatebot.com/merge-confidence/) | [Confidence](https://docs.renovatebot.com/merge-confidence/) |',
    '|---|---|---|---|',
    ...rows,
    '',
    '---',
    '',
    '### Release Notes',
    '',
    '<details>',
    `<summary>${updates[0]?.package ?? ''}</summary>`,
    '',
    releaseNotes,
    '',
    '</details>',
    '',
    '---',
    '',
    '### Configuration',
    '',
    '📅 **Schedule**: (UTC)',
    '',
    ' - [ ] <!-- rebase-check -->If you want to rebase/retry this PR, check this box',
  ].join('\n');
}

export interface PullRequestShape {
  repo: string;
  number: number;
  title: string;
  body: string | null;
  headSha: string;
  headRef?: string;
  author?: string;
  action?: string;
  state?: 'open' | 'closed';
  merged?: boolean;
  mergeCommitSha?: string | null;
  mergedBy?: string;
}

/** The reconstructed Renovate `pull_request` fixture with this PR's fields put in. */
export function pullRequestPayload(shape: PullRequestShape): object {
  interface Payload {
    action: string;
    number: number;
    repository: { full_name: string; name: string; owner: { login: string } };
    pull_request: Record<string, unknown> & { user: object; head: object };
    sender: object;
  }
  const payload = fixture<Payload>('github-pull_request-opened-renovate-major.json');
  const [owner, name] = shape.repo.split('/') as [string, string];
  const author = shape.author ?? 'renovate[bot]';
  payload.action = shape.action ?? 'opened';
  payload.number = shape.number;
  payload.repository.full_name = shape.repo;
  payload.repository.name = name;
  payload.repository.owner.login = owner;
  const pr = payload.pull_request;
  Object.assign(pr, {
    number: shape.number,
    node_id: `PR_kwDO${shape.number}`,
    html_url: `https://github.com/${shape.repo}/pull/${shape.number}`,
    title: shape.title,
    body: shape.body,
    state: shape.state ?? 'open',
    merged: shape.merged ?? false,
    merge_commit_sha: shape.mergeCommitSha ?? null,
    merged_by: shape.mergedBy ? { login: shape.mergedBy, type: 'User' } : null,
  });
  pr.user = { ...pr.user, login: author, type: author.endsWith('[bot]') ? 'Bot' : 'User' };
  pr.head = { ...pr.head, ref: shape.headRef ?? `renovate/pkg-${shape.number}`, sha: shape.headSha };
  payload.sender = { ...payload.sender, login: shape.mergedBy ?? author };
  return payload;
}

export interface GitHubPost {
  event: string;
  payload: unknown;
  secret?: string;
  /** The same id on purpose for a redelivery. */
  delivery?: string;
  signature?: string;
}

/** The headers GitHub sends with a delivery (../shared/specs/github-renovate.md §1). */
export function githubRequest(post: GitHubPost): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify(post.payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/5e2a7b1',
    'x-github-event': post.event,
    'x-github-delivery': post.delivery ?? randomUUID(),
    'x-github-hook-id': '123456789',
  };
  const signature = post.signature ?? (post.secret ? sign(post.secret, body) : undefined);
  if (signature) headers['x-hub-signature-256'] = signature;
  return { headers, body };
}
