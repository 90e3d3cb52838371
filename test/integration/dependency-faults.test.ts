import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../bot/runtime/start-runtime.ts';
import type { LlmProxyFake } from '../fakes/llm-proxy.ts';
import { modelScript } from '../helpers/model-script.ts';
import type { MattermostFake } from '../fakes/mattermost.ts';
import type { SignalFake } from '../fakes/signal-rest-api.ts';
import { fixture } from '../helpers/fixtures.ts';
import { readMcpCalls } from '../helpers/mcp-calls.ts';
import { signalTextFrame } from '../helpers/signal-frames.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';
import { useTestRuntime } from '../helpers/test-runtime.ts';
import { until } from '../helpers/until.ts';
import { BOT, OWNER, llmEnv, mattermostEnv, signalEnv } from '../helpers/steward-env.ts';

/** Triage says it is a problem; the fix for the "hang" group is a tool that never answers in time. */
const modelAnswer = modelScript({
  triage: { problem: true, severity: 'critical', reason: 'pods keep crashing', confidence: 0.9 },
  proposal: (data) => ({
    diagnosis: 'crash-loop',
    options: [
      data.includes('hang-')
        ? {
            label: 'Run the slow check',
            tool: 'slow_tool',
            arguments: { ms: 600_000 },
            impact: 'none',
            risk: 'low',
            reversible: true,
          }
        : {
            label: 'Restart the pod',
            tool: 'restart_pod',
            arguments: { name: 'p-0', namespace: 'x' },
            impact: 'one pod',
            risk: 'low',
            reversible: true,
          },
    ],
  }),
});

/**
 * The services Steward talks to go away mid-flow, on the real runtime: the LLM proxy, Signal and
 * Mattermost behind loopback proxies the test cuts, and an MCP tool that hangs. Each is handled as
 * the earlier issues say, and nothing is lost.
 */
describe('dependencies going away mid-flow', () => {
  let litellm: LlmProxyFake;
  let signal: SignalFake;
  let mattermost: MattermostFake;
  let runtime: Runtime;
  let llmLink: Awaited<ReturnType<typeof startTcpProxy>>;
  let signalLink: Awaited<ReturnType<typeof startTcpProxy>>;
  let mattermostLink: Awaited<ReturnType<typeof startTcpProxy>>;
  const steward = useTestRuntime('steward-deps-');
  let group = 0;

  beforeAll(async () => {
    litellm = await steward.litellm({ models: ['gemini-flash', 'gemini-pro'], defaultContent: modelAnswer });
    signal = await steward.signal();
    mattermost = await steward.mattermost();
    const link = async (url: string) =>
      steward.track(startTcpProxy({ host: '127.0.0.1', port: Number(new URL(url).port) }));
    [llmLink, signalLink, mattermostLink] = await Promise.all([
      link(litellm.url),
      link(signal.url),
      link(mattermost.url),
    ]);
    const via = (proxy: { port: number }) => `http://127.0.0.1:${proxy.port}`;
    runtime = await steward.start({
      // A call to a tool is given up after 2 s: the hanging one must not hold the incident.
      mcp: true,
      config: ['      timeoutMs: 2000'],
      // Steward reaches the fakes only through the links the tests cut.
      env: {
        ...llmEnv(via(llmLink)),
        LLM_TIMEOUT: '2s',
        ...signalEnv(via(signalLink)),
        ...mattermostEnv(via(mattermostLink)),
        VERIFY_WINDOW: '10m',
      },
    });
  }, 60_000);
  afterAll(async () => {
    // Links up first: Steward's shutdown must reach what it talks to.
    for (const proxy of [llmLink, signalLink, mattermostLink]) proxy?.up();
    await steward.stop();
  });

  const texts = () => signal.sent.map((sent) => String(sent.message));
  const count = (part: string) => texts().filter((text) => text.includes(part)).length;
  const fire = async (name: string) => {
    group += 1;
    const body = fixture<Record<string, unknown>>('alertmanager-webhook-v4-firing-group-3-alerts.json');
    body.groupKey = `{}:{group="${name}-${group}"}`;
    body.commonLabels = { ...(body.commonLabels as Record<string, string>), group: `${name}-${group}` };
    expect(
      (await runtime.app.inject({ method: 'POST', url: '/webhooks/alertmanager', payload: body })).statusCode,
    ).toBe(200);
    return Number(
      (
        await runtime.database.pool.query<{ id: string }>('SELECT id FROM incidents WHERE external_key = $1', [
          body.groupKey,
        ])
      ).rows[0]!.id,
    );
  };
  const say = (text: string) => signal.deliver(signalTextFrame(BOT, OWNER, text));
  const mcpCalls = () => readMcpCalls(steward.callLog);

  it('offers the safe options, and says why, when the LLM proxy goes away mid-flow; asks it again once back', async () => {
    const incident = await fire('llm');
    await until('the question', () => count(`Issue detected: #${incident}`) === 1, 20_000);
    llmLink.down();
    say(`1 #${incident}`);
    await until(
      'the options without a model',
      () => texts().some((text) => text.includes('Solutions found') && text.includes('LLM unavailable')),
      30_000,
    );
    const options = texts().find((text) => text.includes('Solutions found') && text.includes('LLM unavailable'))!;
    expect(options).toContain('Investigate: gather logs and metrics, change nothing');
    expect(options).not.toContain('Restart the pod');

    llmLink.up();
    const calls = litellm.received.length;
    const next = await fire('llm');
    await until('the next question, triaged by the model', () => count(`Issue detected: #${next}`) === 1, 20_000);
    expect(litellm.received.length).toBeGreaterThan(calls);
    expect(texts().find((text) => text.includes(`Issue detected: #${next}`))).toContain('pods keep crashing');
  }, 90_000);

  it('queues while Signal and Mattermost are down, and sends each message once when they are back', async () => {
    signalLink.down();
    mattermostLink.down();
    const incident = await fire('chat');
    await until(
      'the question waiting in the outbox',
      async () =>
        (
          await runtime.database.pool.query(
            "SELECT 1 FROM outbox WHERE incident_id = $1 AND kind = 'question' AND status <> 'sent' AND attempts > 0",
            [incident],
          )
        ).rowCount === 2,
      30_000,
    );
    expect(count(`Issue detected: #${incident}`)).toBe(0);

    signalLink.up();
    mattermostLink.up();
    await until(
      'the question on both',
      () =>
        count(`Issue detected: #${incident}`) === 1 &&
        mattermost.posts.some((post) => String(post.message).includes(`Issue detected: #${incident}`)),
      60_000,
    );
    await until('both sockets back', () => signal.connections() === 1 && mattermost.connections() === 1, 30_000);
    // The owner's answer after the outage is heard and acted on.
    say(`1 #${incident}`);
    await until(
      'the options',
      () => texts().some((text) => text.includes('Solutions found') && text.includes(`#${incident}`)),
      30_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(count(`Issue detected: #${incident}`)).toBe(1);
    expect(
      mattermost.posts.filter((post) => String(post.message).includes(`Issue detected: #${incident}`)),
    ).toHaveLength(1);
  }, 120_000);

  it('gives up on a tool that hangs, says so, and keeps the other incidents going', async () => {
    const hanging = await fire('hang');
    await until('the question', () => count(`Issue detected: #${hanging}`) === 1, 20_000);
    say(`1 #${hanging}`);
    await until(
      'the options',
      () => texts().some((text) => text.includes('Solutions found') && text.includes('Run the slow check')),
      30_000,
    );
    say(`1 #${hanging}`);
    await until('the slow tool called', () => mcpCalls().some((call) => call.tool === 'slow_tool'), 20_000);
    // Meanwhile another incident is asked about as usual.
    const other = await fire('other');
    await until('the other question', () => count(`Issue detected: #${other}`) === 1, 20_000);
    await until(
      'the time-out recorded',
      async () =>
        (
          await runtime.database.pool.query(
            "SELECT 1 FROM actions WHERE incident_id = $1 AND status = 'failed' AND error LIKE 'timeout:%'",
            [hanging],
          )
        ).rowCount === 1,
      20_000,
    );
    await until(
      'the owner told',
      () => texts().some((text) => text.includes(`❌ #${hanging}: slow_tool failed`)),
      20_000,
    );
    expect(texts().find((text) => text.includes(`❌ #${hanging}: slow_tool failed`))).toContain(
      'slow_tool did not answer in time',
    );
  }, 90_000);
});
