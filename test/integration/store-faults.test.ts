import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../bot/runtime/start-runtime.ts';
import { modelScript } from '../helpers/model-script.ts';
import { fakeTerminal } from '../helpers/fake-terminal.ts';
import { fixture } from '../helpers/fixtures.ts';
import { readMcpCalls } from '../helpers/mcp-calls.ts';
import { redisSkipReason, testRedisUrl, uniqueKeyPrefix } from '../helpers/redis.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';
import { useTestRuntime } from '../helpers/test-runtime.ts';
import { until } from '../helpers/until.ts';

const TOKEN = 'alertmanager-token-0123456789';

const modelAnswer = modelScript({
  triage: { problem: true, severity: 'critical', reason: 'payments-api keeps crashing', confidence: 0.9 },
  proposal: {
    diagnosis: 'payments-api crash-loops.',
    options: [
      {
        label: 'Restart payments-api-7d9f8b6c5-2xkqp',
        tool: 'restart_pod',
        arguments: { name: 'payments-api-7d9f8b6c5-2xkqp', namespace: 'payments' },
        impact: 'one pod',
        risk: 'low',
        reversible: true,
      },
    ],
  },
});

/**
 * PostgreSQL and Redis go away in the middle of a flow, as a restart looks from Steward: every
 * connection dropped, new ones refused, then accepted again. Steward runs on loopback proxies to the
 * real servers, so the outage is real to it and invisible to the other test files.
 */
describe.skipIf(redisSkipReason)('the stores going away mid-flow', () => {
  let runtime: Runtime;
  let postgres: Awaited<ReturnType<typeof startTcpProxy>>;
  let redis: Awaited<ReturnType<typeof startTcpProxy>>;
  const shell = fakeTerminal();
  const steward = useTestRuntime('steward-faults-');

  beforeAll(async () => {
    const database = await steward.database();
    await steward.litellm({ models: ['gemini-flash', 'gemini-pro'], defaultContent: modelAnswer });
    const databaseUrl = new URL(database.url);
    postgres = await steward.track(
      startTcpProxy({ host: databaseUrl.hostname, port: Number(databaseUrl.port || 5432) }),
    );
    databaseUrl.port = String(postgres.port);
    const redisUrl = new URL(testRedisUrl!);
    redis = await steward.track(startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) }));
    redisUrl.port = String(redis.port);
    runtime = await steward.start({
      mcp: true,
      // Steward reaches both stores only through the proxies the tests cut.
      env: {
        DATABASE_URL: databaseUrl.toString(),
        REDIS_URL: redisUrl.toString(),
        REDIS_KEY_PREFIX: uniqueKeyPrefix(),
        ALERTMANAGER_TOKEN: TOKEN,
        VERIFY_WINDOW: '10m',
      },
      terminal: shell.terminal,
    });
  }, 60_000);
  afterAll(async () => {
    postgres?.up();
    redis?.up();
    await steward.stop();
  });

  const post = (payload: unknown) =>
    runtime.app.inject({
      method: 'POST',
      url: '/webhooks/alertmanager',
      payload: payload as Record<string, unknown>,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
  const ready = async () => {
    const response = await runtime.app.inject({ method: 'GET', url: '/readyz' });
    return { status: response.statusCode, body: response.json<{ down?: string[] }>() };
  };
  const mcpCalls = () => readMcpCalls(steward.callLog);

  it('answers 503 while PostgreSQL is down, recovers by itself, and loses no approval', async () => {
    const firing = fixture<Record<string, unknown>>('alertmanager-webhook-v4-firing-group-3-alerts.json');
    expect((await post(firing)).statusCode).toBe(200);
    await until('the first question', () => shell.printed().includes('Is this a problem?'), 20_000);
    shell.type('1');
    await until('the options', () => shell.printed().includes('Solutions found'), 20_000);

    postgres.down();
    const during = await post({ ...firing, groupKey: '{}:{alertname="Other"}' });
    expect(during.statusCode).toBe(503);
    expect(await ready()).toMatchObject({ status: 503, body: { down: ['database'] } });

    postgres.up();
    await until('ready again', async () => (await ready()).status === 200, 30_000);
    expect((await post({ ...firing, groupKey: '{}:{alertname="Other"}' })).statusCode).toBe(200);
    // The question asked before the outage is still open and still acts.
    shell.clear();
    shell.type('1 #1');
    await until('the fix ran', () => mcpCalls().length === 1, 20_000);
    const decisions = await runtime.database.pool.query(
      'SELECT count(*)::int AS n FROM decisions d JOIN questions q ON q.id = d.question_id WHERE q.incident_id = 1',
    );
    expect(decisions.rows[0]).toEqual({ n: 2 });
    await until(
      'the action recorded',
      async () =>
        (await runtime.database.pool.query("SELECT 1 FROM actions WHERE status = 'succeeded'")).rowCount === 1,
      10_000,
    );
    expect((await runtime.database.pool.query('SELECT tool, status FROM actions')).rows).toEqual([
      { tool: 'restart_pod', status: 'succeeded' },
    ]);
  }, 90_000);

  it('says so in /readyz while Redis is down, keeps taking alerts, and asks about them once it is back', async () => {
    redis.down();
    await until(
      'readiness names coordination',
      async () => {
        const state = await ready();
        return state.status === 503 && state.body.down?.includes('coordination') === true;
      },
      20_000,
    );
    const firing = fixture<Record<string, unknown>>('alertmanager-webhook-v4-firing-group-3-alerts.json');
    // Stored in PostgreSQL and answered at once; what needs Redis (the flow's lock) is kept for later.
    const during = await post({
      ...firing,
      groupKey: '{}:{alertname="WhileRedisDown"}',
      commonLabels: { alertname: 'WhileRedisDown' },
    });
    expect(during.statusCode).toBe(200);
    const kept = async () =>
      (await runtime.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM undelivered_changes')).rows[0]!
        .n;
    // Its opening is kept (a run of the earlier incident that was starting may be kept too).
    const incidentId = Number(
      (
        await runtime.database.pool.query<{ id: string }>(
          'SELECT id FROM incidents WHERE external_key = \'{}:{alertname="WhileRedisDown"}\'',
        )
      ).rows[0]!.id,
    );
    expect(
      (
        await runtime.database.pool.query(
          "SELECT change->>'kind' AS kind FROM undelivered_changes WHERE incident_id = $1",
          [incidentId],
        )
      ).rows,
    ).toEqual([{ kind: 'opened' }]);
    redis.up();
    await until('ready again', async () => (await ready()).status === 200, 30_000);
    const incident = await runtime.database.pool.query<{ id: string }>(
      'SELECT id FROM incidents WHERE external_key = \'{}:{alertname="WhileRedisDown"}\'',
    );
    expect(incident.rows).toHaveLength(1);
    await until(
      'its question',
      async () =>
        (await runtime.database.pool.query('SELECT 1 FROM questions WHERE incident_id = $1', [incident.rows[0]!.id]))
          .rowCount! > 0,
      30_000,
    );
    await until('nothing kept any more', async () => (await kept()) === 0, 10_000);
    expect(
      (
        await runtime.database.pool.query('SELECT count(*)::int AS n FROM questions WHERE incident_id = $1', [
          incident.rows[0]!.id,
        ])
      ).rows[0],
    ).toEqual({ n: 1 });
  }, 90_000);
});
