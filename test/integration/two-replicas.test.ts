import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../bot/db/free-port.ts';
import type { LlmProxyFake } from '../fakes/llm-proxy.ts';
import { modelScript } from '../helpers/model-script.ts';
import type { SignalFake } from '../fakes/signal-rest-api.ts';
import type { TestDatabase } from '../helpers/databases.ts';
import { fixture } from '../helpers/fixtures.ts';
import { redisSkipReason, testRedisUrl, uniqueKeyPrefix } from '../helpers/redis.ts';
import { buildForStart, type CompiledStart } from '../helpers/compiled-build.ts';
import { startService, type ServiceProcess } from '../helpers/service-process.ts';
import { signalTextFrame } from '../helpers/signal-frames.ts';
import { until } from '../helpers/until.ts';
import { BOT, OWNER } from '../helpers/steward-env.ts';
import { useTestRuntime } from '../helpers/test-runtime.ts';
import { readMcpCalls } from '../helpers/mcp-calls.ts';

const modelAnswer = modelScript({
  triage: { problem: true, severity: 'critical', reason: 'payments-api keeps crashing', confidence: 0.9 },
  proposal: {
    diagnosis: 'payments-api crash-loops after an OOM kill.',
    options: [
      {
        label: 'Restart payments-api-7d9f8b6c5-2xkqp',
        tool: 'restart_pod',
        arguments: { name: 'payments-api-7d9f8b6c5-2xkqp', namespace: 'payments' },
        impact: '10s downtime of one replica',
        risk: 'low',
        reversible: true,
      },
    ],
  },
  otherwise: 'All quiet.',
});

/**
 * Two Steward processes on one PostgreSQL and one Redis, as the Kubernetes Deployment runs them: the
 * compiled program, started as `npm start` and the image start it. Both are connected to the same
 * signal-cli-rest-api socket (which hands every reply to every socket). The alert arrives at both,
 * the answer reaches both, both tick the same schedules: everything must happen once.
 */
describe.skipIf(redisSkipReason)('two replicas as two real processes', () => {
  let database: TestDatabase;
  let litellm: LlmProxyFake;
  let signal: SignalFake;
  const replicas: { service: ServiceProcess; base: string }[] = [];
  const steward = useTestRuntime('steward-replicas-');

  let start: CompiledStart | undefined;

  beforeAll(async () => {
    start = buildForStart();
    database = await steward.database();
    litellm = await steward.litellm({ models: ['gemini-flash', 'gemini-pro'], defaultContent: modelAnswer });
    signal = await steward.signal();
    const shared = await steward.environment({
      mcp: true,
      config: [
        'schedules:',
        '  - { id: pulse, schedule: "*/3 * * * * *", prompt: "Anything to report?", delivery: signal, model: gemini-flash }',
      ],
      env: {
        REDIS_URL: testRedisUrl!,
        REDIS_KEY_PREFIX: uniqueKeyPrefix(),
        WEEKLY_REPORT_CRON: '*/5 * * * * *',
        VERIFY_WINDOW: '10m',
      },
    });
    for (let index = 0; index < 2; index += 1) {
      const port = await findFreePort();
      replicas.push({
        service: startService({ ...start.env, ...shared, HOST: '127.0.0.1', PORT: String(port) }, start.args),
        base: `http://127.0.0.1:${port}`,
      });
    }
    await Promise.all(replicas.map(({ service }) => service.waitForLog('steward listening', 60_000)));
    await until('both Signal sockets', () => signal.connections() === 2, 30_000);
  }, 150_000);
  afterAll(async () => {
    for (const { service } of replicas) await service.stop('SIGTERM');
    await steward.stop();
    start?.remove();
  });

  const rows = async <T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return (await client.query<T>(sql, values)).rows;
    } finally {
      await client.end();
    }
  };
  const texts = () => signal.sent.map((sent) => String(sent.message));
  const count = (part: string) => texts().filter((text) => text.includes(part)).length;
  /** Occurrences, not messages: Signal's outbox merges notices due together into one message. */
  const occurrences = (part: string) => texts().reduce((sum, text) => sum + text.split(part).length - 1, 0);
  const mcpCalls = () => readMcpCalls(steward.callLog);

  it('notifies an alert delivered to both once, and executes the answer both receive once', async () => {
    const firing = fixture<Record<string, unknown>>('alertmanager-webhook-v4-firing-group-3-alerts.json');
    const answers = await Promise.all(
      replicas.map(({ base }) =>
        fetch(`${base}/webhooks/alertmanager`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(firing),
        }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    await until('the question', () => count('Is this a problem?') > 0, 30_000);

    signal.deliver(signalTextFrame(BOT, OWNER, '1'));
    await until('the options', () => count('Solutions found') > 0, 30_000);
    signal.deliver(signalTextFrame(BOT, OWNER, '1'));
    await until('the fix ran', () => mcpCalls().some((call) => call.tool === 'restart_pod'), 30_000);
    await until('the run reported', () => texts().some((text) => text.includes('ran restart_pod')), 30_000);
    // Time for a second execution, a second question or a second notice to show up if there were one.
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    expect(await rows('SELECT count(*)::int AS n FROM incidents')).toEqual([{ n: 1 }]);
    expect(count('Is this a problem?')).toBe(1);
    expect(count('Solutions found')).toBe(1);
    expect(mcpCalls().filter((call) => call.tool === 'restart_pod')).toHaveLength(1);
    expect(await rows('SELECT tool, trigger FROM actions')).toEqual([{ tool: 'restart_pod', trigger: 'approved' }]);
    expect(await rows('SELECT count(*)::int AS n FROM decisions')).toEqual([{ n: 2 }]);
  }, 120_000);

  it('runs each schedule slot once across both, and the outbox sends each message once', async () => {
    await until(
      'three pulses and two reports',
      async () => {
        const done = await rows<{ job: string; n: number }>(
          "SELECT job, count(*)::int AS n FROM scheduled_runs WHERE status = 'succeeded' GROUP BY job",
        );
        const by = new Map(done.map((row) => [row.job, row.n]));
        return (by.get('schedule:pulse') ?? 0) >= 3 && (by.get('weekly-report') ?? 0) >= 2;
      },
      40_000,
    );
    await until(
      'outbox drained',
      async () => (await rows("SELECT 1 FROM outbox WHERE status <> 'sent'")).length === 0,
      20_000,
    );
    const runs = await rows<{ job: string; n: number }>(
      "SELECT job, count(*)::int AS n FROM scheduled_runs WHERE status = 'succeeded' GROUP BY job ORDER BY job",
    );
    const pulses = runs.find((row) => row.job === 'schedule:pulse')!.n;
    const reports = runs.find((row) => row.job === 'weekly-report')!.n;
    expect(occurrences('🗓 pulse')).toBe(pulses);
    // The query itself ran once per slot, not once per replica (the message alone is deduplicated by its key).
    expect(
      litellm.received.filter((request) =>
        request.messages.some((message) => message.content.includes('Anything to report?')),
      ),
    ).toHaveLength(pulses);
    expect(count('📈 Weekly report')).toBe(reports);
    expect(signal.sent.filter((sent) => Array.isArray(sent.base64_attachments))).toHaveLength(reports);
    // Each outbox row went out once: as many pulses and reports arrived as rows were queued for them.
    const queued = await rows<{ n: number }>(
      "SELECT count(*)::int AS n FROM outbox WHERE channel = 'signal' AND status = 'sent' AND (payload->>'title' = '🗓 pulse' OR payload->>'title' LIKE '📈 Weekly report%')",
    );
    expect(queued[0]!.n).toBe(pulses + reports);
  }, 90_000);
});
