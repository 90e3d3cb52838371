import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../bot/db/free-port.ts';
import type { Runtime } from '../../bot/runtime/start-runtime.ts';
import { startGitHubApiFake, type GitHubApiFake } from '../fakes/github-api.ts';
import type { LlmProxyFake, ReceivedRequest } from '../fakes/llm-proxy.ts';
import type { SignalFake } from '../fakes/signal-rest-api.ts';
import { githubRequest, pullRequestPayload, renovateBody, sign } from '../helpers/github-deliveries.ts';
import { readMcpCalls } from '../helpers/mcp-calls.ts';
import { signalTextFrame } from '../helpers/signal-frames.ts';
import { useTestRuntime } from '../helpers/test-runtime.ts';
import { until } from '../helpers/until.ts';
import { BOT, OWNER } from '../helpers/steward-env.ts';

const SECRET = 'github-webhook-secret-0123456789';
const TOKEN = 'ghp_steward_test_token_0123456789abcdef';
const REPO = 'home/infra';

/** The model reads the facts it is given: it only links the update to incidents it was shown. */
function modelAnswer(request: ReceivedRequest): string {
  const data = request.messages.map((message) => message.content).join('\n');
  const sawRestarts = data.includes('SonarrMemoryHigh');
  return JSON.stringify({
    summary: data.includes('memory leak') ? 'Fixes a memory leak in the RSS sync.' : 'Routine maintenance release.',
    breaking: data.includes('BREAKING') ? ['Drops the v1 API'] : [],
    relevance: sawRestarts ? 'Memory leak fix matches your recent restarts' : '',
    risk: data.includes('BREAKING') ? 'high' : 'low',
    recommendation: data.includes('BREAKING') ? 'review' : 'merge',
  });
}

/**
 * Renovate PRs end to end on the real runtime: GitHub's signed webhooks on Steward's HTTP port → the
 * assessment through the LLM proxy fake → the question (or digest) on the Signal fake → the owner's
 * answers from Signal → merge, close, comment and revert calls asserted on the GitHub API fake →
 * deployment statuses → the outcome on Signal.
 */
describe('Renovate pull requests from webhook to merge and deployment', () => {
  let litellm: LlmProxyFake;
  let signal: SignalFake;
  let github: GitHubApiFake;
  let runtime: Runtime;
  let baseUrl: string;
  const steward = useTestRuntime('steward-renovate-');
  const work = steward.dir;
  let sha = 0x1000;
  const nextSha = () => (sha += 1).toString(16).padStart(40, 'c');

  beforeAll(async () => {
    litellm = await steward.litellm({ models: ['gemini-pro', 'gemini-flash'], defaultContent: modelAnswer });
    signal = await steward.signal();
    github = await steward.track(startGitHubApiFake({ token: TOKEN }));
    const port = await findFreePort();
    baseUrl = `http://127.0.0.1:${port}`;
    runtime = await steward.start({
      // Argo CD through MCP for three of the apps; the others are followed by GitHub's deployment statuses.
      mcp: { name: 'argocd', env: { ARGOCD_APPS: path.join(work, 'argocd-apps.json') } },
      config: [
        'renovate:',
        '  rollout:',
        '    tool: get_application',
        '    applications: { radarr: media-radarr, lidarr: media-lidarr, readarr: media-readarr }',
        '    every: 500ms',
      ],
      env: {
        HOST: '127.0.0.1',
        PORT: String(port),
        GITHUB_WEBHOOK_SECRET: SECRET,
        GITHUB_TOKEN: TOKEN,
        GITHUB_API_URL: github.url,
        GITHUB_REPOS: REPO,
        RENOVATE_DIGEST_QUIET: '1s',
        RENOVATE_DIGEST_WINDOW: '1h',
      },
    });
    await runtime.app.listen({ host: '127.0.0.1', port });
  });

  const texts = () => signal.sent.map((sent) => String(sent.message));
  const waitForText = async (what: string, part: string) => {
    await until(what, () => texts().some((text) => text.includes(part)), 20_000);
    return texts().find((text) => text.includes(part))!;
  };
  const say = (text: string) => signal.deliver(signalTextFrame(BOT, OWNER, text));
  const post = async (
    event: string,
    payload: unknown,
    options: { secret?: string | null; delivery?: string; signature?: string } = {},
  ) => {
    const request = githubRequest({
      event,
      payload,
      ...(options.secret === null ? {} : { secret: options.secret ?? SECRET }),
      ...(options.delivery ? { delivery: options.delivery } : {}),
      ...(options.signature ? { signature: options.signature } : {}),
    });
    const response = await fetch(`${baseUrl}/webhooks/github`, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const opened = (
    number: number,
    pkg: string,
    from: string,
    to: string,
    notes: string,
    extra: { author?: string; repo?: string; headRef?: string } = {},
  ) => {
    const headSha = nextSha();
    const [owner, repo] = (extra.repo ?? REPO).split('/') as [string, string];
    github.addPullRequest({ owner, repo, number, headSha });
    const payload = pullRequestPayload({
      repo: extra.repo ?? REPO,
      number,
      title: `fix(deps): update ${pkg} docker tag to v${to}`,
      body: renovateBody([{ package: pkg, from, to }], notes),
      headSha,
      ...(extra.author ? { author: extra.author } : {}),
      ...(extra.headRef ? { headRef: extra.headRef } : {}),
    });
    return { payload, headSha };
  };
  const stage = async (number: number) =>
    (
      await runtime.database.pool.query<{ stage: string; deferred_until: Date | null }>(
        'SELECT stage, deferred_until FROM pull_requests WHERE number = $1',
        [number],
      )
    ).rows[0];
  const deliveries = async () =>
    Number(
      (
        await runtime.database.pool.query<{ n: string }>('SELECT count(*) AS n FROM deliveries WHERE source = $1', [
          'github',
        ])
      ).rows[0]!.n,
    );

  it('refuses a delivery without a signature or with a wrong one (401, nothing stored), and answers a signed ping', async () => {
    const { payload } = opened(40, 'lscr.io/linuxserver/lidarr', '2.0.0', '2.0.1', '');
    expect((await post('pull_request', payload, { secret: null })).status).toBe(401);
    expect(
      (await post('pull_request', payload, { signature: sign('another-secret-0123456789', JSON.stringify(payload)) }))
        .status,
    ).toBe(401);
    expect((await post('pull_request', payload, { signature: 'sha256=' + '0'.repeat(64) })).status).toBe(401);
    expect(await deliveries()).toBe(0);
    const ping = await post('ping', { zen: 'Design for failure.', hook_id: 123456789 });
    expect(ping).toMatchObject({ status: 200, body: { outcome: 'ignored: ping' } });
  });

  it('asks about a PR with what changed and why it matters here, and merges it pinned to the head on approve', async () => {
    // A recent incident of the same service: the model is shown it and links the fix to it.
    await runtime.database.pool.query(
      "INSERT INTO incidents (source, external_key, title, status, closed_at, opened_at) VALUES ('alertmanager', 'g-sonarr', 'SonarrMemoryHigh (media)', 'closed', now(), now() - interval '2 days')",
    );
    const { payload, headSha } = opened(
      47,
      'lscr.io/linuxserver/sonarr',
      '4.0.1',
      '4.0.2',
      '- Fixed a memory leak in RSS sync',
    );
    const delivery = 'a7e5e0f0-1111-4a4a-9b9b-000000000047';
    const checkRun = {
      action: 'completed',
      check_run: { name: 'build', head_sha: headSha, status: 'completed', conclusion: 'success' },
      repository: { full_name: REPO },
    };
    expect((await post('check_run', checkRun)).body).toMatchObject({ outcome: 'check success' });
    const first = await post('pull_request', payload, { delivery });
    expect(first).toMatchObject({ status: 200, body: { outcome: 'pull request stored (new)' } });
    expect((await post('pull_request', payload, { delivery })).body).toMatchObject({ outcome: 'duplicate' });

    const question = await waitForText('the PR question', '📦 Renovate PR #47: sonarr 4.0.1 → 4.0.2');
    expect(question).toContain('home/infra · patch · checks: ✅ 1 passed');
    expect(question).toContain('What changed: Fixes a memory leak in the RSS sync.');
    expect(question).toContain('Here: Memory leak fix matches your recent restarts');
    expect(question).toContain('📊 1 recent incident of sonarr in 30 days');
    expect(question).toContain('🤖 low risk, suggests: merge');
    expect(question).toContain('Reply: approve, defer PR 47 2d, reject PR 47, or details');
    // The PR text went to the model as data, never as its instructions.
    const assessed = litellm.received.find((request) =>
      request.messages.some((message) => message.content.includes('Fixed a memory leak')),
    )!;
    expect(assessed.messages[0]!.content).not.toContain('Fixed a memory leak');

    say('approve');
    await waitForText('the merge notice', '🔀 Merged PR #47');
    const merges = github.callsTo('PUT', '/repos/home/infra/pulls/47/merge');
    expect(merges).toHaveLength(1);
    expect(merges[0]).toMatchObject({
      body: { sha: headSha, merge_method: 'squash' },
      authorization: `token ${TOKEN}`,
    });
    expect(await stage(47)).toMatchObject({ stage: 'merged' });
    const audit = await runtime.database.pool.query(
      "SELECT actor, channel, outcome FROM audit_log WHERE action = 'pull-request.merge'",
    );
    expect(audit.rows).toEqual([{ actor: OWNER.uuid, channel: 'signal', outcome: 'merged' }]);
  });

  it('follows the merged PR to its deployment and says it is live', async () => {
    const merged = await runtime.database.pool.query<{ merge_commit_sha: string }>(
      'SELECT merge_commit_sha FROM pull_requests WHERE number = 47',
    );
    const sha47 = merged.rows[0]!.merge_commit_sha;
    const status = (state: string, id: number) => ({
      action: 'created',
      deployment_status: { id, state, environment: 'production', description: 'argocd sync', target_url: null },
      deployment: { id: 77, sha: sha47, ref: 'main', environment: 'production' },
      repository: { full_name: REPO },
      sender: { login: 'argocd-bot' },
    });
    await post('deployment_status', status('in_progress', 1));
    await post('deployment_status', status('success', 2));
    const live = await waitForText('the deployed notice', '✅ sonarr 4.0.1 → 4.0.2 deployed');
    expect(live).toContain('PR #47 is live in production: argocd sync. Health checks passing.');
  });

  it('sends several PRs as one numbered digest; approve, reject and defer by number act on one PR each', async () => {
    const sent = texts().length;
    for (const [number, pkg] of [
      [48, 'radarr'],
      [49, 'prowlarr'],
      [50, 'bazarr'],
    ] as const)
      await post('pull_request', opened(number, `lscr.io/linuxserver/${pkg}`, '1.0.0', '1.0.1', '').payload);
    const digest = await waitForText('the digest', '📦 3 Renovate PRs');
    expect(
      texts()
        .slice(sent)
        .filter((text) => text.includes('📦')),
    ).toHaveLength(1);
    for (const line of ['PR #48 radarr 1.0.0 → 1.0.1', 'PR #49 prowlarr 1.0.0 → 1.0.1', 'PR #50 bazarr 1.0.0 → 1.0.1'])
      expect(digest).toContain(line);

    say('approve PR 48');
    await waitForText('PR 48 merged', '🔀 Merged PR #48');
    say('reject PR 49');
    await waitForText('PR 49 rejected', '🚫 Rejected PR #49');
    say('defer PR 50 2d');
    await waitForText('PR 50 deferred', '⏸ Deferred PR #50');

    expect(github.callsTo('PUT', '/merge').map((call) => call.path)).toEqual([
      '/repos/home/infra/pulls/47/merge',
      '/repos/home/infra/pulls/48/merge',
    ]);
    expect(github.callsTo('POST', '/issues/49/comments')[0]!.body).toEqual({
      body: 'Rejected from chat by Alice Ops (via signal, through Steward).',
    });
    expect(github.callsTo('PATCH', '/pulls/49')[0]!.body).toEqual({ state: 'closed' });
    const deferred = await stage(50);
    expect(deferred!.stage).toBe('deferred');
    expect(deferred!.deferred_until!.getTime() - Date.now()).toBeGreaterThan(2 * 86_400_000 - 60_000);
    // Every PR of the digest was answered by number: the digest itself is withdrawn everywhere.
    const withdrawn = await waitForText('the digest withdrawn', 'No longer needs an answer');
    expect(withdrawn).toContain('PR #50 bazarr 1.0.0 → 1.0.1: deferred');
  });

  const argocd = (
    apps: Record<
      string,
      {
        health: string;
        sync: string;
        revision: string;
        healthMessage?: string;
        phase?: string;
        startedAt?: string;
        finishedAt?: string;
      }
    >,
  ) => writeFileSync(path.join(work, 'argocd-apps.json'), JSON.stringify(apps));
  const mergeSha = async (number: number) =>
    (
      await runtime.database.pool.query<{ merge_commit_sha: string }>(
        'SELECT merge_commit_sha FROM pull_requests WHERE number = $1',
        [number],
      )
    ).rows[0]!.merge_commit_sha;
  const deployNote = async (number: number) =>
    (
      await runtime.database.pool.query<{ deploy_state: string; deploy_note: string | null }>(
        'SELECT deploy_state, deploy_note FROM pull_requests WHERE number = $1',
        [number],
      )
    ).rows[0]!;

  it('follows a merged PR through Argo CD’s get_application (MCP) until its commit is Synced and Healthy', async () => {
    // PR 48 (radarr) was merged above; Argo CD has not picked the merge up yet.
    const sha48 = await mergeSha(48);
    argocd({
      'media-radarr': {
        health: 'Healthy',
        sync: 'Synced',
        revision: 'f'.repeat(40),
        phase: 'Succeeded',
        startedAt: '2026-01-01T00:00:00Z',
        finishedAt: '2026-01-01T00:00:10Z',
      },
    });
    await until(
      'the tool looked at media-radarr',
      async () => (await deployNote(48)).deploy_note?.startsWith('media-radarr: Healthy, Synced at fffffff') ?? false,
      20_000,
    );
    argocd({
      'media-radarr': {
        health: 'Progressing',
        sync: 'Synced',
        revision: sha48,
        phase: 'Running',
        startedAt: new Date().toISOString(),
      },
    });
    await until(
      'the rollout seen progressing',
      async () => (await deployNote(48)).deploy_note?.startsWith('media-radarr: Progressing') ?? false,
      20_000,
    );
    // A burst of GitHub deliveries wakes the worker each time; the application is not asked more often for it.
    for (let index = 0; index < 5; index += 1)
      await post('check_run', {
        action: 'completed',
        check_run: { name: `lint-${index}`, head_sha: sha48, status: 'completed', conclusion: 'success' },
        repository: { full_name: REPO },
      });
    expect(texts().some((text) => text.includes('radarr 1.0.0 → 1.0.1 deployed'))).toBe(false);

    argocd({
      'media-radarr': {
        health: 'Healthy',
        sync: 'Synced',
        revision: sha48,
        phase: 'Succeeded',
        startedAt: new Date().toISOString(),
        finishedAt: new Date().toISOString(),
      },
    });
    const live = await waitForText('the deployed notice', '✅ radarr 1.0.0 → 1.0.1 deployed');
    expect(live).toContain(
      `PR #48 is live in media-radarr: Healthy, Synced at ${sha48.slice(0, 7)}. Health checks passing.`,
    );
    expect(await deployNote(48)).toMatchObject({ deploy_state: 'deployed' });
    const calls = readMcpCalls(steward.callLog);
    expect(calls.every((call) => call.tool === 'get_application')).toBe(true);
    // Only the configured applications are asked about (sonarr and jellyfin follow deployment statuses).
    expect(new Set(calls.map((call) => call.arguments.applicationName))).toEqual(new Set(['media-radarr']));
  });

  it('offers a revert when Argo CD reports the merged commit Degraded, and reports a rollout never seen live', async () => {
    await post('pull_request', opened(56, 'lscr.io/linuxserver/lidarr', '2.5.0', '2.6.0', '').payload);
    await waitForText('the PR question', '📦 Renovate PR #56');
    say('approve PR 56');
    await waitForText('PR 56 merged', '🔀 Merged PR #56');
    const sha56 = await mergeSha(56);
    argocd({
      'media-lidarr': {
        health: 'Degraded',
        healthMessage: 'Deployment "lidarr" exceeded its progress deadline',
        sync: 'Synced',
        revision: sha56,
      },
    });
    const failed = await waitForText('the failed rollout question', '❌ Deploying lidarr 2.5.0 → 2.6.0 failed');
    expect(failed).toContain(
      `PR #56 did not deploy to media-lidarr: Degraded, Synced at ${sha56.slice(0, 7)} (Deployment "lidarr" exceeded its progress deadline).`,
    );
    expect(failed).toContain('**1.** Revert (open a revert PR)');
    say('2');

    await post('pull_request', opened(57, 'lscr.io/linuxserver/readarr', '0.4.0', '0.4.1', '').payload);
    await waitForText('the PR question', '📦 Renovate PR #57');
    say('approve PR 57');
    await waitForText('PR 57 merged', '🔀 Merged PR #57');
    argocd({ 'media-readarr': { health: 'Progressing', sync: 'OutOfSync', revision: 'e'.repeat(40) } });
    await until(
      'the rollout seen',
      async () => (await deployNote(57)).deploy_note?.startsWith('media-readarr: Progressing, OutOfSync') ?? false,
      20_000,
    );
    // Two and a half hours later (RENOVATE_DEPLOY_WAIT is 2h): no longer followed, and said so.
    await runtime.database.pool.query(
      "UPDATE pull_requests SET merged_at = now() - interval '150 minutes' WHERE number = 57",
    );
    const late = await waitForText('the not-deployed notice', '⏳ readarr 0.4.0 → 0.4.1 not seen deployed');
    expect(late).toContain(
      'Last seen: media-readarr: Progressing, OutOfSync at eeeeeee. Steward no longer follows it.',
    );
    expect((await deployNote(57)).deploy_state).toBe('untracked');

    // However often GitHub's deliveries woke the worker, each application was asked at most every 500 ms.
    const calls = readMcpCalls(steward.callLog);
    for (const app of ['media-radarr', 'media-lidarr', 'media-readarr']) {
      const times = calls.filter((call) => call.arguments.applicationName === app).map((call) => call.at);
      expect(times.length, app).toBeGreaterThan(0);
      for (let index = 1; index < times.length; index += 1)
        expect(times[index]! - times[index - 1]!, `${app} asked again too soon`).toBeGreaterThanOrEqual(400);
    }
  });

  it('refuses to merge while checks fail, says which, and calls no merge', async () => {
    const { payload } = opened(51, 'lscr.io/linuxserver/overseerr', '1.33.0', '1.34.0', '');
    github.pullRequest('home', 'infra', 51)!.checkRuns = [
      { name: 'build', status: 'completed', conclusion: 'failure' },
      { name: 'lint', status: 'completed', conclusion: 'success' },
    ];
    await post('pull_request', payload);
    await waitForText('the PR question', '📦 Renovate PR #51');
    say('approve');
    const refusal = await waitForText('the refusal', '⛔ PR #51 overseerr 1.33.0 → 1.34.0 not merged');
    expect(refusal).toContain('checks failing: build (failure)');
    expect(github.callsTo('PUT', '/pulls/51/merge')).toHaveLength(0);
    expect((await stage(51))!.stage).toBe('asked');
  });

  it('offers a revert when the deployment fails, and opens it on 1', async () => {
    const { payload } = opened(52, 'lscr.io/linuxserver/jellyfin', '10.9.0', '10.10.0', 'BREAKING: drops the v1 API');
    await post('pull_request', payload);
    const question = await waitForText('the PR question', '📦 Renovate PR #52');
    expect(question).toContain('⚠️ Breaking: Drops the v1 API');
    say('approve PR 52');
    await waitForText('PR 52 merged', '🔀 Merged PR #52');
    const merged = (
      await runtime.database.pool.query<{ merge_commit_sha: string }>(
        'SELECT merge_commit_sha FROM pull_requests WHERE number = 52',
      )
    ).rows[0]!.merge_commit_sha;
    await post('deployment_status', {
      action: 'created',
      deployment_status: { id: 3, state: 'failure', environment: 'production', description: 'health check failed' },
      deployment: { id: 78, sha: merged, ref: 'main', environment: 'production' },
      repository: { full_name: REPO },
    });
    await waitForText('the failed deployment question', '❌ Deploying jellyfin 10.9.0 → 10.10.0 failed');
    say('1');
    const reverted = await waitForText('the revert notice', '↩️ Revert of PR #52');
    expect(reverted).toContain('https://github.com/home/infra/pull/');
    const graphql = github.callsTo('POST', '/graphql');
    expect(graphql).toHaveLength(1);
    expect(graphql[0]!.body).toMatchObject({ variables: { id: 'PR_kwDO52' } });
  });

  it('withdraws the question of a PR merged on GitHub by someone else', async () => {
    const { payload, headSha } = opened(53, 'lscr.io/linuxserver/sabnzbd', '4.3.0', '4.3.1', '');
    await post('pull_request', payload);
    await waitForText('the PR question', '📦 Renovate PR #53');
    const pr = (payload as { pull_request: { title: string; body: string } }).pull_request;
    const closed = pullRequestPayload({
      repo: REPO,
      number: 53,
      title: pr.title,
      body: pr.body,
      headSha,
      action: 'closed',
      state: 'closed',
      merged: true,
      mergeCommitSha: nextSha(),
      mergedBy: 'bob',
    });
    await post('pull_request', closed);
    const withdrawn = await waitForText('the withdrawal', 'PR #53 sabnzbd 4.3.0 → 4.3.1: merged on GitHub by bob');
    expect(withdrawn).toContain('No longer needs an answer');
  });

  it('asks again a day later about a PR whose question expired unanswered', async () => {
    const { payload, headSha } = opened(54, 'lscr.io/linuxserver/tautulli', '2.14.0', '2.14.1', '');
    await post('pull_request', payload);
    await waitForText('the PR question', '📦 Renovate PR #54');
    await runtime.database.pool.query(
      'UPDATE questions SET expires_at = now() WHERE id = (SELECT question_id FROM pull_requests WHERE number = 54)',
    );
    await until(
      'the question expired',
      async () =>
        (
          await runtime.database.pool.query(
            "SELECT 1 FROM questions q JOIN pull_requests p ON p.question_id = q.id WHERE p.number = 54 AND q.status = 'expired'",
          )
        ).rowCount === 1,
      20_000,
    );
    // Any GitHub delivery wakes the PR worker at once (otherwise its next tick does).
    await post('check_run', {
      action: 'completed',
      check_run: { name: 'build', head_sha: headSha, status: 'completed', conclusion: 'success' },
      repository: { full_name: REPO },
    });
    await until('PR 54 deferred', async () => (await stage(54))?.stage === 'deferred', 20_000);
    expect((await stage(54))!.deferred_until!.getTime() - Date.now()).toBeGreaterThan(86_400_000 - 60_000);
  });

  it('ignores pull requests that are not Renovate’s and repositories not listed', async () => {
    const human = await post(
      'pull_request',
      opened(60, 'x', '1', '2', '', { author: 'octocat', headRef: 'feature/x' }).payload,
    );
    expect(human.body.outcome).toBe('ignored: not a Renovate pull request (author octocat, branch feature/x)');
    const elsewhere = await post('pull_request', opened(61, 'y', '1', '2', '', { repo: 'someone/else' }).payload);
    expect(elsewhere.body.outcome).toBe('ignored: someone/else is not in GITHUB_REPOS');
    expect((await runtime.database.pool.query('SELECT 1 FROM pull_requests WHERE number IN (60, 61)')).rowCount).toBe(
      0,
    );
  });
});
