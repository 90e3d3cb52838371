import type { Octokit } from '@octokit/rest';

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface Readiness {
  state: 'open' | 'closed';
  merged: boolean;
  /** null while GitHub still computes it. */
  mergeable: boolean | null;
  /** GitHub's summary: clean, unstable (non-required checks fail), blocked, behind, dirty (conflicts), draft, unknown. */
  mergeableState: string;
  headSha: string;
  failing: string[];
  pending: string[];
  passed: number;
}

export type GitHubResult<T> = { ok: true; value: T } | { ok: false; status: number | undefined; message: string };

export interface GitHubApiOptions {
  baseUrl: string;
  token: string;
  /** Per request; GitHub answers in well under a second, a hang must not hold a chat reply. */
  timeoutMs?: number;
}

export function splitRepo(fullName: string): RepoRef {
  const [owner, repo] = fullName.split('/') as [string, string];
  return { owner, repo };
}

/**
 * The few GitHub calls a Renovate PR needs, through @octokit/rest: whether it may be merged (the PR,
 * its check runs and its combined commit status), the merge pinned to the head commit the owner saw,
 * the comment and close of a rejection, the changed files, and the revert of a bad deployment.
 */
export function createGitHubApi(options: GitHubApiOptions) {
  // Octokit is loaded on the first call, not at start-up: a Steward that sees no Renovate PR for days
  // should not keep it resident.
  let client: Promise<Octokit> | undefined;
  const connect = () =>
    (client ??= import('@octokit/rest').then(
      ({ Octokit }) => new Octokit({ auth: options.token, baseUrl: options.baseUrl, userAgent: 'steward' }),
    ));
  const request = () => ({ signal: AbortSignal.timeout(options.timeoutMs ?? 15_000) });

  async function attempt<T>(call: (octokit: Octokit) => Promise<T>): Promise<GitHubResult<T>> {
    try {
      return { ok: true, value: await call(await connect()) };
    } catch (error) {
      const status = (error as { status?: number }).status;
      const message =
        (error as { response?: { data?: { message?: string } } }).response?.data?.message ?? (error as Error).message;
      return { ok: false, status, message };
    }
  }

  return {
    /** The PR and every check on its head commit, fetched now (not from webhooks, which may lag). */
    readiness: (fullName: string, number: number): Promise<GitHubResult<Readiness>> =>
      attempt(async (octokit) => {
        const ref = splitRepo(fullName);
        let pr = (await octokit.rest.pulls.get({ ...ref, pull_number: number, request: request() })).data;
        // mergeable is null while GitHub computes it in the background: ask again once, shortly after.
        if (pr.state === 'open' && pr.mergeable === null) {
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          pr = (await octokit.rest.pulls.get({ ...ref, pull_number: number, request: request() })).data;
        }
        const runs = (
          await octokit.rest.checks.listForRef({ ...ref, ref: pr.head.sha, per_page: 100, request: request() })
        ).data.check_runs;
        const status = (
          await octokit.rest.repos.getCombinedStatusForRef({
            ...ref,
            ref: pr.head.sha,
            per_page: 100,
            request: request(),
          })
        ).data;
        const failing: string[] = [];
        const pending: string[] = [];
        let passed = 0;
        for (const run of runs) {
          if (run.status !== 'completed') pending.push(run.name);
          else if (run.conclusion === 'success' || run.conclusion === 'neutral' || run.conclusion === 'skipped')
            passed += 1;
          else failing.push(`${run.name} (${run.conclusion ?? 'failed'})`);
        }
        for (const context of status.statuses) {
          if (context.state === 'success') passed += 1;
          else if (context.state === 'pending') pending.push(context.context);
          else failing.push(`${context.context} (${context.state})`);
        }
        return {
          state: pr.state,
          merged: pr.merged,
          mergeable: pr.mergeable,
          mergeableState: pr.mergeable_state,
          headSha: pr.head.sha,
          failing,
          pending,
          passed,
        };
      }),

    /** Merges only if the head is still `sha`: a PR that changed since the question needs a new look. */
    merge: (fullName: string, number: number, sha: string, method: 'merge' | 'squash' | 'rebase') =>
      attempt(
        async (octokit) =>
          (
            await octokit.rest.pulls.merge({
              ...splitRepo(fullName),
              pull_number: number,
              sha,
              merge_method: method,
              request: request(),
            })
          ).data,
      ),

    comment: (fullName: string, number: number, body: string) =>
      attempt(
        async (octokit) =>
          (
            await octokit.rest.issues.createComment({
              ...splitRepo(fullName),
              issue_number: number,
              body,
              request: request(),
            })
          ).data,
      ),

    close: (fullName: string, number: number) =>
      attempt(
        async (octokit) =>
          (
            await octokit.rest.pulls.update({
              ...splitRepo(fullName),
              pull_number: number,
              state: 'closed',
              request: request(),
            })
          ).data,
      ),

    files: (fullName: string, number: number) =>
      attempt(async (octokit) =>
        (
          await octokit.rest.pulls.listFiles({
            ...splitRepo(fullName),
            pull_number: number,
            per_page: 50,
            request: request(),
          })
        ).data.map((file) => ({
          name: file.filename,
          status: file.status,
          additions: file.additions,
          deletions: file.deletions,
        })),
      ),

    /** GitHub's own "Revert" button: a new PR that undoes the merged one (GraphQL only). */
    revert: (nodeId: string) =>
      attempt(async (octokit) => {
        const data = await octokit.graphql<{
          revertPullRequest: { revertPullRequest: { number: number; url: string } };
        }>(
          'mutation($id: ID!) { revertPullRequest(input: { pullRequestId: $id }) { revertPullRequest { number url } } }',
          { id: nodeId, request: request() },
        );
        return data.revertPullRequest.revertPullRequest;
      }),
  };
}

export type GitHubApi = ReturnType<typeof createGitHubApi>;
