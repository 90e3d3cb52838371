import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../bot/db/free-port.ts';
import type { ReceivedRequest } from '../fakes/llm-proxy.ts';
import type { SignalFake } from '../fakes/signal-rest-api.ts';
import type { TestDatabase } from '../helpers/databases.ts';
import { fixture } from '../helpers/fixtures.ts';
import { processesMentioning, startService, type ServiceProcess } from '../helpers/service-process.ts';
import { signalTextFrame } from '../helpers/signal-frames.ts';
import { until } from '../helpers/until.ts';
import { BOT, OWNER } from '../helpers/steward-env.ts';
import { useTestRuntime } from '../helpers/test-runtime.ts';
import { readMcpCalls } from '../helpers/mcp-calls.ts';

/** The model proposes a tool that takes two minutes, so that Steward can be killed in the middle of it. */
function modelAnswer(request: ReceivedRequest): string {
  if (JSON.stringify(request.responseFormat ?? {}).includes('severity'))
    return JSON.stringify({ problem: true, severity: 'warning', reason: 'radarr is slow', confidence: 0.7 });
  return JSON.stringify({
    diagnosis: 'radarr needs a long cleanup.',
    options: [
      {
        label: 'Run the long cleanup',
        tool: 'slow_tool',
        arguments: { ms: 120_000 },
        impact: 'none',
        risk: 'low',
        reversible: true,
      },
    ],
  });
}

/**
 * Steward as a real process, killed with SIGKILL at the two moments that matter: while a question
 * waits for its answer (the answer must still resume the flow after the restart), and inside an
 * action (it must never run twice; the human is asked instead).
 */
describe('the incident flow across kill -9', () => {
  let database: TestDatabase;
  let signal: SignalFake;
  let service: ServiceProcess | undefined;
  const steward = useTestRuntime('steward-kill-');
  const callLog = steward.callLog;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await steward.database();
    await steward.litellm({ models: ['gemini-flash', 'gemini-pro'], defaultContent: modelAnswer });
    signal = await steward.signal();
    env = await steward.environment({ mcp: { name: 'lab' }, env: { HOST: '127.0.0.1', DATA_DIR: steward.dir } });
  });
  afterEach(async () => {
    await service?.stop('SIGKILL');
  });
  afterAll(async () => {
    // The MCP server a killed Steward started is an orphan now: end it.
    for (const pid of processesMentioning(callLog)) process.kill(pid, 'SIGKILL');
    await steward.stop();
  });

  async function start(): Promise<{ url: string }> {
    service = startService({ ...env, PORT: String(await findFreePort()) });
    const listening = await service.waitForLog('steward listening', 120_000);
    await until('the Signal socket', () => signal.connections() >= 1, 60_000);
    return { url: `http://127.0.0.1:${String(listening.port)}` };
  }
  async function killNow(): Promise<void> {
    const before = signal.connections();
    await service!.stop('SIGKILL');
    await until('the socket gone', () => signal.connections() < before, 5_000);
  }
  const sentStartingWith = (prefix: string) => signal.sent.filter((body) => String(body.message).startsWith(prefix));
  const calls = () => readMcpCalls(callLog);

  it('resumes with an answer given after a kill -9 and restart, and never reruns an action killed mid-way', async () => {
    const { url } = await start();
    const firing = fixture<Record<string, unknown>>('alertmanager-webhook-v4-firing-group-3-alerts.json');
    const posted = await fetch(`${url}/webhooks/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(firing),
    });
    expect(posted.status).toBe(200);
    await until('the first question', () => sentStartingWith('**🔔 Issue detected').length === 1, 60_000);
    const problemRef = signalTimestampOf('**🔔 Issue detected');

    // Killed while the question waits; the answer arrives after the restart.
    await killNow();
    await start();
    signal.deliver(signalTextFrame(BOT, OWNER, '1', problemRef));
    await until('the options', () => sentStartingWith('**📋 Solutions found').length === 1, 90_000).catch(
      async (error: unknown) => {
        // On a busy CI machine this is the slowest wait; say what the process was doing if it fails.
        console.log(
          JSON.stringify(
            service!
              .entries()
              .slice(-25)
              .map((entry) => ({
                t: entry.time,
                msg: entry.msg,
                c: entry.component,
                err: (entry.err as { message?: string } | undefined)?.message,
              })),
          ),
        );
        const pg = await import('pg');
        const client = new pg.default.Client({ connectionString: database.url });
        await client.connect();
        console.log(
          'QUESTIONS',
          JSON.stringify((await client.query('SELECT id, kind, status, interrupt_id FROM questions ORDER BY id')).rows),
        );
        console.log(
          'CHECKPOINTS',
          JSON.stringify(
            (
              await client.query(
                "SELECT checkpoint_id, metadata->>'step' AS step, metadata->>'source' AS source, metadata->'writes' AS writes FROM langgraph.checkpoints ORDER BY checkpoint_id",
              )
            ).rows,
          ),
        );
        console.log(
          'WRITES',
          JSON.stringify(
            (
              await client.query(
                'SELECT checkpoint_id, task_id, channel, idx FROM langgraph.checkpoint_writes ORDER BY checkpoint_id, idx',
              )
            ).rows,
          ),
        );
        await client.end();
        throw error;
      },
    );

    // The owner chooses the long action; Steward is killed while it runs.
    signal.deliver(signalTextFrame(BOT, OWNER, '1', signalTimestampOf('**📋 Solutions found')));
    await until('the action started', () => calls().length === 1, 60_000);
    await killNow();
    await start();
    await until(
      'the human asked again',
      () => signal.sent.some((body) => String(body.message).includes('was interrupted')),
      90_000,
    );
    await until('new options', () => sentStartingWith('**📋 Solutions found').length === 2, 90_000);
    expect(calls()).toHaveLength(1);
    const actions = await queryActions();
    expect(actions).toEqual([{ tool: 'slow_tool', status: 'interrupted' }]);
  }, 400_000);

  /** The timestamp Signal gave the first message starting with `prefix` (what a quote names). */
  function signalTimestampOf(prefix: string): string {
    const index = signal.sent.findIndex((body) => String(body.message).startsWith(prefix));
    return String(signal.sentTimestamps[index]);
  }

  async function queryActions() {
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: database.url });
    await client.connect();
    try {
      return (await client.query<{ tool: string; status: string }>('SELECT tool, status FROM actions')).rows;
    } finally {
      await client.end();
    }
  }
});
