import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../helpers/capture-logs.ts';
import { useMigratedDatabase } from '../helpers/databases.ts';
import { fixture } from '../helpers/fixtures.ts';
import { sign } from '../helpers/github-deliveries.ts';
import { buildIntakeApp, GITHUB_SECRET, TOKEN } from '../helpers/intake-app.ts';

const FORGED = 'FORGED-REQUESTER-TEXT';

/**
 * Issue 19: no unauthenticated write. A flood of forged deliveries costs a counter each and a few log
 * lines a minute: nothing is stored, and none of the requester's text reaches the database or the log.
 */
describe('refused requests', () => {
  const database = useMigratedDatabase();
  const logs = captureLogs();
  let app: FastifyInstance;
  let loopbackOnly: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await buildIntakeApp(database.pool, { logger: pino({ level: 'info' }, logs.stream) }));
    ({ app: loopbackOnly } = await buildIntakeApp(database.pool, {
      credentials: { coroot: {} },
      logger: pino({ level: 'info' }, logs.stream),
    }));
  });
  afterAll(async () => {
    await app?.close();
    await loopbackOnly?.close();
  });

  const count = async (table: string) =>
    Number((await database.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
  const metric = (text: string, route: string, reason: string) =>
    Number(
      new RegExp(
        `^steward_refused_requests_total\\{route="${route.replaceAll('/', '\\/')}",reason="${reason}"\\} (\\d+)$`,
        'm',
      ).exec(text)?.[1] ?? 0,
    );

  it('counts each forged request by route and reason, logs a few lines of capped fields, and stores nothing', async () => {
    const alerts = JSON.stringify({ ...fixture<object>('alertmanager-real-capture.json'), receiver: FORGED });
    const forgedHeaders = {
      'user-agent': FORGED.repeat(1_000),
      'x-forwarded-for': FORGED,
      'content-type': 'application/json',
    };
    const pullRequest = JSON.stringify({
      ...fixture<object>('github-pull_request-opened.octokit-example.json'),
      action: FORGED,
    });
    const send = (
      target: FastifyInstance,
      url: string,
      payload: string,
      headers: Record<string, string>,
      remoteAddress = '127.0.0.1',
    ) => target.inject({ method: 'POST', url, payload, headers: { ...forgedHeaders, ...headers }, remoteAddress });

    const answers: number[] = [];
    for (let i = 0; i < 100; i++) {
      // A query string of its own each time: the metric's route label is the route, never the URL.
      answers.push(
        (await send(app, `/webhooks/alertmanager?${FORGED}=${i}`, alerts, { authorization: `Bearer ${FORGED}-${i}` }))
          .statusCode,
      );
      answers.push((await send(app, '/webhooks/alertmanager', alerts, {})).statusCode);
      answers.push(
        (
          await send(app, '/webhooks/github', pullRequest, {
            'x-github-event': 'pull_request',
            'x-hub-signature-256': sign(`${FORGED}-secret`, pullRequest),
          })
        ).statusCode,
      );
    }
    for (let i = 0; i < 30; i++)
      answers.push((await send(app, '/webhooks/github', pullRequest, { 'x-github-event': 'pull_request' })).statusCode);
    for (let i = 0; i < 20; i++)
      answers.push((await send(loopbackOnly, '/webhooks/coroot', alerts, {}, '203.0.113.9')).statusCode);
    expect(answers).toEqual(Array(350).fill(401));
    // Over the shape limits with the right credential: refused as well, with its own reason.
    const deep = `${alerts.slice(0, -1)},"extra":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
    for (let i = 0; i < 5; i++)
      expect((await send(app, '/webhooks/alertmanager', deep, { authorization: `Bearer ${TOKEN}` })).statusCode).toBe(
        400,
      );
    const signedDeep = deep;
    expect(
      (
        await send(app, '/webhooks/github', signedDeep, {
          'x-github-event': 'pull_request',
          'x-hub-signature-256': sign(GITHUB_SECRET, signedDeep),
        })
      ).statusCode,
    ).toBe(400);

    expect(await count('deliveries')).toBe(0);
    expect(await count('audit_log')).toBe(0);

    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metric(metrics, '/webhooks/alertmanager', 'invalid_credentials')).toBe(100);
    expect(metric(metrics, '/webhooks/alertmanager', 'missing_credentials')).toBe(100);
    expect(metric(metrics, '/webhooks/github', 'invalid_signature')).toBe(100);
    expect(metric(metrics, '/webhooks/github', 'missing_signature')).toBe(30);
    expect(metric(metrics, '/webhooks/alertmanager', 'body_too_deep')).toBe(5);
    expect(metric(metrics, '/webhooks/github', 'body_too_deep')).toBe(1);
    expect(
      metric((await loopbackOnly.inject({ method: 'GET', url: '/metrics' })).body, '/webhooks/coroot', 'loopback_only'),
    ).toBe(20);
    // Few series, whatever was sent: one per route and reason.
    expect(metrics.split('\n').filter((line) => line.startsWith('steward_refused_requests_total{'))).toHaveLength(6);

    const refusals = logs.entries().filter((entry) => entry.msg === 'request refused');
    const perKey = new Map<string, number>();
    for (const entry of refusals)
      perKey.set(
        `${String(entry.route)} ${String(entry.reason)}`,
        (perKey.get(`${String(entry.route)} ${String(entry.reason)}`) ?? 0) + 1,
      );
    expect(Object.fromEntries(perKey)).toEqual({
      '/webhooks/alertmanager invalid_credentials': 10,
      '/webhooks/alertmanager missing_credentials': 10,
      '/webhooks/github invalid_signature': 10,
      '/webhooks/github missing_signature': 10,
      '/webhooks/coroot loopback_only': 10,
      '/webhooks/alertmanager body_too_deep': 5,
      '/webhooks/github body_too_deep': 1,
    });
    expect(refusals[0]).toMatchObject({
      route: '/webhooks/alertmanager',
      reason: 'invalid_credentials',
      remote: '127.0.0.1',
      source: 'alertmanager',
    });
    expect(logs.text()).not.toContain(FORGED);
    expect(logs.text()).not.toContain(TOKEN);
  });
});
