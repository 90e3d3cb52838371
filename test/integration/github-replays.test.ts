import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useMigratedDatabase } from '../helpers/databases.ts';
import { githubRequest, pullRequestPayload, renovateBody } from '../helpers/github-deliveries.ts';
import { fixture } from '../helpers/fixtures.ts';
import { buildIntakeApp, GITHUB_SECRET, TOKEN } from '../helpers/intake-app.ts';

const REPO = 'home/infra';

/**
 * Issue 19: a signed GitHub delivery was accepted again under a new or missing `X-GitHub-Delivery`,
 * so whoever once saw one (a proxy log, a mirror) could replay it: an old "opened" after the PR was
 * closed made Steward take it for open and ask about it again. The signature covers the body, so the
 * same signed bytes are the same delivery, whatever the headers say.
 */
describe('replayed GitHub deliveries', () => {
  const database = useMigratedDatabase();
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await buildIntakeApp(database.pool));
  });
  afterAll(async () => {
    await app?.close();
  });

  const post = async (
    request: { headers: Record<string, string>; body: string },
    headers: Record<string, string | undefined> = {},
  ) => {
    const merged = { ...request.headers, ...headers };
    const sent = Object.fromEntries(
      Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    const response = await app.inject({
      method: 'POST',
      url: '/webhooks/github',
      payload: request.body,
      headers: sent,
    });
    const body = response.json<{ outcome?: string; delivery?: number }>();
    return { status: response.statusCode, outcome: body.outcome, delivery: body.delivery };
  };
  const stored = async () =>
    Number(
      (await database.pool.query<{ n: string }>("SELECT count(*) AS n FROM deliveries WHERE source = 'github'"))
        .rows[0]!.n,
    );
  const pullRequest = async (number: number) =>
    (
      await database.pool.query<{ state: string; stage: string }>(
        'SELECT state, stage FROM pull_requests WHERE repo = $1 AND number = $2',
        [REPO, number],
      )
    ).rows[0];
  const shape = (number: number, extra: { action?: string; state?: 'open' | 'closed' } = {}) => ({
    repo: REPO,
    number,
    title: `fix(deps): update grafana to v11.${number}`,
    body: renovateBody([{ package: 'grafana/grafana', from: '11.0.0', to: `11.${number}.0` }], '- fixes'),
    headSha: `${number}`.padStart(40, 'a'),
    ...extra,
  });

  it('stores the same signed body once, under a new or a missing delivery id, and a closed PR stays closed', async () => {
    const opened = githubRequest({
      event: 'pull_request',
      payload: pullRequestPayload(shape(61)),
      secret: GITHUB_SECRET,
    });
    const first = await post(opened);
    expect(first).toMatchObject({ status: 200, outcome: 'pull request stored (new)' });

    const closed = githubRequest({
      event: 'pull_request',
      payload: pullRequestPayload(shape(61, { action: 'closed', state: 'closed' })),
      secret: GITHUB_SECRET,
    });
    expect(await post(closed)).toMatchObject({ status: 200 });
    expect(await pullRequest(61)).toMatchObject({ state: 'closed', stage: 'closed' });
    const before = await stored();

    // The "opened" bytes again, signature and all, under another id, and under none.
    expect(await post(opened, { 'x-github-delivery': 'd0d0d0d0-0000-4000-8000-000000000001' })).toMatchObject({
      status: 200,
      outcome: 'duplicate',
      delivery: first.delivery,
    });
    expect(await post(opened, { 'x-github-delivery': undefined })).toMatchObject({
      status: 200,
      outcome: 'duplicate',
      delivery: first.delivery,
    });
    expect(await stored()).toBe(before);
    expect(await pullRequest(61)).toMatchObject({ state: 'closed', stage: 'closed' });
  });

  it('keeps deduplicating by delivery id too: a redelivery is stored once', async () => {
    const delivery = 'e1e1e1e1-0000-4000-8000-000000000062';
    const request = githubRequest({
      event: 'pull_request',
      payload: pullRequestPayload(shape(62)),
      secret: GITHUB_SECRET,
      delivery,
    });
    expect(await post(request)).toMatchObject({ status: 200, outcome: 'pull request stored (new)' });
    const other = githubRequest({
      event: 'pull_request',
      payload: pullRequestPayload(shape(62, { action: 'edited' })),
      secret: GITHUB_SECRET,
      delivery,
    });
    expect(await post(other)).toMatchObject({ status: 200, outcome: 'duplicate' });
  });

  it('stores one of the same signed body replayed at once under ten ids', async () => {
    const request = githubRequest({
      event: 'pull_request',
      payload: pullRequestPayload(shape(63)),
      secret: GITHUB_SECRET,
    });
    const before = await stored();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        post(request, { 'x-github-delivery': `f2f2f2f2-0000-4000-8000-00000000000${index}` }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(answers.filter((answer) => answer.outcome !== 'duplicate')).toHaveLength(1);
    expect(await stored()).toBe(before + 1);
  });

  it('takes a new body under a new id; an unsigned sender’s identical repeats are all stored, with no digest', async () => {
    const before = await stored();
    expect(
      await post(
        githubRequest({ event: 'pull_request', payload: pullRequestPayload(shape(64)), secret: GITHUB_SECRET }),
      ),
    ).toMatchObject({ status: 200, outcome: 'pull request stored (new)' });
    expect(await stored()).toBe(before + 1);

    // Alertmanager sends the same body every repeat_interval on purpose: each is a delivery of its own.
    const alerts = JSON.stringify(fixture('alertmanager-real-capture.json'));
    for (let i = 0; i < 2; i++) {
      const response = await app.inject({
        method: 'POST',
        url: '/webhooks/alertmanager',
        payload: alerts,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      });
      expect(response.statusCode).toBe(200);
    }
    const digests = await database.pool.query<{ source: string; deliveries: string; with_digest: string }>(
      'SELECT source, count(*) AS deliveries, count(body_digest) AS with_digest FROM deliveries GROUP BY source ORDER BY source',
    );
    expect(digests.rows).toEqual([
      { source: 'alertmanager', deliveries: '2', with_digest: '0' },
      { source: 'github', deliveries: String(before + 1), with_digest: String(before + 1) },
    ]);
  });
});
