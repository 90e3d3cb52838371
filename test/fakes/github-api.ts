import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeFakeServer } from './close-server.ts';

export interface FakePullRequest {
  owner: string;
  repo: string;
  number: number;
  nodeId: string;
  state: 'open' | 'closed';
  merged: boolean;
  /** null: GitHub is still computing it. */
  mergeable: boolean | null;
  mergeableState: string;
  headSha: string;
  headRef: string;
  checkRuns: { name: string; status: 'queued' | 'in_progress' | 'completed'; conclusion: string | null }[];
  statuses: { context: string; state: 'pending' | 'success' | 'failure' | 'error' }[];
  files: { filename: string; status: string; additions: number; deletions: number }[];
}

export interface ReceivedCall {
  method: string;
  path: string;
  body: unknown;
  authorization: string | undefined;
}

/**
 * A loopback GitHub REST API for the calls Steward makes on Renovate PRs, with GitHub's shapes and
 * error bodies (docs.github.com/rest: pulls get/merge/update/list files, issues create comment,
 * checks list for ref, repos combined status for ref; GraphQL revertPullRequest). A merge whose `sha`
 * is not the head answers 409, an unmergeable PR 405, as GitHub does. Tests assert on `calls`.
 */
export async function startGitHubApiFake(options: { token: string }) {
  const calls: ReceivedCall[] = [];
  const prs = new Map<string, FakePullRequest>();
  let nextNumber = 900;
  let nextSha = 0xabc000;
  const key = (owner: string, repo: string, number: number | string) => `${owner}/${repo}#${number}`;

  const server = http.createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://fake');
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
      calls.push({
        method: request.method ?? '',
        path: url.pathname,
        body,
        authorization: request.headers.authorization,
      });
      const send = (status: number, payload: unknown) => {
        response.writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'x-github-media-type': 'github.v3; format=json',
        });
        response.end(JSON.stringify(payload));
      };
      const auth = request.headers.authorization ?? '';
      if (auth !== `token ${options.token}` && auth !== `Bearer ${options.token}`) {
        return send(401, {
          message: 'Bad credentials',
          documentation_url: 'https://docs.github.com/rest',
          status: '401',
        });
      }
      const notFound = () =>
        send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });

      if (request.method === 'POST' && url.pathname === '/graphql') {
        const id = (body?.variables as { id?: string } | undefined)?.id;
        const pr = [...prs.values()].find((candidate) => candidate.nodeId === id);
        if (!pr || !String(body?.query).includes('revertPullRequest'))
          return send(200, {
            data: null,
            errors: [{ type: 'NOT_FOUND', message: `Could not resolve to a node with the global id of '${id}'` }],
          });
        nextNumber += 1;
        return send(200, {
          data: {
            revertPullRequest: {
              revertPullRequest: {
                number: nextNumber,
                url: `https://github.com/${pr.owner}/${pr.repo}/pull/${nextNumber}`,
              },
            },
          },
        });
      }

      const match = /^\/repos\/([^/]+)\/([^/]+)\/(pulls|issues|commits)\/([^/]+)(?:\/([a-z-]+))?$/.exec(url.pathname);
      if (!match) return notFound();
      const [, owner, repo, kind, id, sub] = match as unknown as [
        string,
        string,
        string,
        string,
        string,
        string | undefined,
      ];

      if (kind === 'commits') {
        const pr = [...prs.values()].find(
          (candidate) => candidate.owner === owner && candidate.repo === repo && candidate.headSha === id,
        );
        if (sub === 'check-runs' && request.method === 'GET') {
          const runs = (pr?.checkRuns ?? []).map((run, index) => ({
            id: index + 1,
            head_sha: id,
            name: run.name,
            status: run.status,
            conclusion: run.conclusion,
          }));
          return send(200, { total_count: runs.length, check_runs: runs });
        }
        if (sub === 'status' && request.method === 'GET') {
          const statuses = pr?.statuses ?? [];
          const state = statuses.some((status) => status.state === 'failure' || status.state === 'error')
            ? 'failure'
            : statuses.some((status) => status.state === 'pending') || statuses.length === 0
              ? 'pending'
              : 'success';
          return send(200, {
            state,
            sha: id,
            total_count: statuses.length,
            statuses: statuses.map((status, index) => ({
              id: index + 1,
              context: status.context,
              state: status.state,
            })),
          });
        }
        return notFound();
      }

      const pr = prs.get(key(owner, repo, id));
      if (!pr) return notFound();
      const view = () => ({
        number: pr.number,
        node_id: pr.nodeId,
        state: pr.state,
        merged: pr.merged,
        mergeable: pr.mergeable,
        mergeable_state: pr.mergeableState,
        head: { ref: pr.headRef, sha: pr.headSha },
        base: { ref: 'main' },
        html_url: `https://github.com/${owner}/${repo}/pull/${pr.number}`,
      });
      if (kind === 'issues' && sub === 'comments' && request.method === 'POST') {
        if (typeof body?.body !== 'string')
          return send(422, { message: 'Invalid request.\n\n"body" wasn\'t supplied.', status: '422' });
        return send(201, {
          id: calls.length,
          body: body.body,
          html_url: `https://github.com/${owner}/${repo}/pull/${pr.number}#issuecomment-${calls.length}`,
        });
      }
      if (kind !== 'pulls') return notFound();
      if (sub === undefined && request.method === 'GET') return send(200, view());
      if (sub === undefined && request.method === 'PATCH') {
        if (body?.state === 'closed') pr.state = 'closed';
        return send(200, view());
      }
      if (sub === 'files' && request.method === 'GET')
        return send(
          200,
          pr.files.map((file) => ({ sha: 'f00', ...file, changes: file.additions + file.deletions })),
        );
      if (sub === 'merge' && request.method === 'PUT') {
        if (pr.merged) return send(405, { message: 'Pull Request is not mergeable', status: '405' });
        if (body?.sha !== undefined && body.sha !== pr.headSha)
          return send(409, { message: 'Head branch was modified. Review and try the merge again.', status: '409' });
        if (pr.state !== 'open' || pr.mergeable === false)
          return send(405, { message: 'Pull Request is not mergeable', status: '405' });
        pr.merged = true;
        pr.state = 'closed';
        nextSha += 1;
        return send(200, {
          sha: nextSha.toString(16).padStart(40, '0'),
          merged: true,
          message: 'Pull Request successfully merged',
        });
      }
      return notFound();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    calls,
    /** Adds (or replaces) a PR; unspecified fields are a clean, mergeable PR with passing checks. */
    addPullRequest(
      pr: Pick<FakePullRequest, 'owner' | 'repo' | 'number' | 'headSha'> & Partial<FakePullRequest>,
    ): FakePullRequest {
      const full: FakePullRequest = {
        nodeId: `PR_kwDO${pr.number}`,
        state: 'open',
        merged: false,
        mergeable: true,
        mergeableState: 'clean',
        headRef: `renovate/pkg-${pr.number}`,
        checkRuns: [{ name: 'build', status: 'completed', conclusion: 'success' }],
        statuses: [],
        files: [{ filename: 'package.json', status: 'modified', additions: 1, deletions: 1 }],
        ...pr,
      };
      prs.set(key(pr.owner, pr.repo, pr.number), full);
      return full;
    },
    pullRequest: (owner: string, repo: string, number: number) => prs.get(key(owner, repo, number)),
    callsTo: (method: string, pathPart: string) =>
      calls.filter((call) => call.method === method && call.path.includes(pathPart)),
    close: () => closeFakeServer(server),
  };
}

export type GitHubApiFake = Awaited<ReturnType<typeof startGitHubApiFake>>;
