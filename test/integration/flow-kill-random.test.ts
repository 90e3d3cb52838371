import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../bot/db/free-port.ts';
import type { ReceivedRequest } from '../fakes/llm-proxy.ts';
import type { SignalFake } from '../fakes/signal-rest-api.ts';
import { fixture } from '../helpers/fixtures.ts';
import { processesMentioning, startService, type ServiceProcess } from '../helpers/service-process.ts';
import { signalTextFrame } from '../helpers/signal-frames.ts';
import { until } from '../helpers/until.ts';
import { BOT, OWNER } from '../helpers/steward-env.ts';
import { useTestRuntime } from '../helpers/test-runtime.ts';
import { readMcpCalls } from '../helpers/mcp-calls.ts';

const TRIALS = Number(process.env.KILL_TRIALS ?? 20);
/** The kill points are random; the seed is printed, and KILL_SEED replays a run. */
const SEED = Number(process.env.KILL_SEED ?? Date.now() % 1_000_000);

function modelAnswer(request: ReceivedRequest): string {
  const data = request.messages.map((message) => message.content).join('\n');
  const trial = /trial-(\d+)/.exec(data)?.[1] ?? '0';
  if (JSON.stringify(request.responseFormat ?? {}).includes('severity'))
    return JSON.stringify({ problem: true, severity: 'critical', reason: `trial ${trial} crashes`, confidence: 0.9 });
  return JSON.stringify({
    diagnosis: 'crash-loop',
    options: [
      {
        label: `Restart trial-${trial}`,
        tool: 'restart_pod',
        arguments: { name: `trial-${trial}`, namespace: 'kill' },
        impact: 'one pod',
        risk: 'low',
        reversible: true,
      },
    ],
  });
}

/** A small seeded generator (mulberry32): the same seed, the same kill points. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Steward as a real process, killed with SIGKILL at random moments of the incident flow, 20 times:
 * during intake, triage, asking, answering, executing. An owner keeps answering whatever is open
 * (and answers again what a kill swallowed, as a person would). Afterwards: no incident lost, no
 * action run more often than it was claimed, and every incident reaches its fix.
 */
describe('the incident flow under kill -9 at random points', () => {
  let signal: SignalFake;
  let service: ServiceProcess | undefined;
  let base: string | undefined;
  let db: pg.Pool;
  const steward = useTestRuntime('steward-kill-random-');
  const callLog = steward.callLog;
  let env: Record<string, string>;
  let driving = true;
  let driver: Promise<void> | undefined;

  beforeAll(async () => {
    db = new pg.Pool({ connectionString: (await steward.database()).url, max: 2 });
    await steward.litellm({ models: ['gemini-flash', 'gemini-pro'], defaultContent: modelAnswer });
    signal = await steward.signal();
    env = await steward.environment({
      // Each restart takes 400 ms: kills land inside executions too, not only between steps.
      mcp: { name: 'lab', env: { RESTART_POD_MS: '400' } },
      env: { HOST: '127.0.0.1', VERIFY_WINDOW: '10m' },
    });
  });
  afterAll(async () => {
    driving = false;
    await driver;
    await service?.stop('SIGKILL');
    for (const pid of processesMentioning(callLog)) process.kill(pid, 'SIGKILL');
    await db?.end();
    await steward.stop();
  });

  async function start(): Promise<void> {
    service = startService({ ...env, PORT: String(await findFreePort()) });
    const listening = await service.waitForLog('steward listening', 120_000);
    base = `http://127.0.0.1:${String(listening.port)}`;
    await until('the Signal socket', () => signal.connections() >= 1, 60_000);
  }
  async function kill(): Promise<void> {
    base = undefined;
    await service!.stop('SIGKILL');
    await until('the socket gone', () => signal.connections() === 0, 10_000);
  }

  /** The owner: answers 1 to every open problem or solution question, again if it is still open 4 s later. */
  async function drive(): Promise<void> {
    const answered = new Map<string, number>();
    while (driving) {
      if (base && signal.connections() === 1) {
        const open = await db
          .query<{ id: string; incident_id: string }>(
            "SELECT id, incident_id FROM questions WHERE status = 'open' AND kind IN ('problem', 'solution')",
          )
          .catch(() => ({ rows: [] }));
        for (const question of open.rows) {
          const last = answered.get(question.id) ?? 0;
          if (Date.now() - last < 4_000) continue;
          answered.set(question.id, Date.now());
          signal.deliver(signalTextFrame(BOT, OWNER, `1 #${question.incident_id}`));
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  /** Alertmanager's side: a notification not answered 200 (Steward was down or died) is sent again. */
  async function fire(trial: number): Promise<boolean> {
    if (!base) return false;
    const body = fixture<Record<string, unknown>>('alertmanager-webhook-v4-firing-group-3-alerts.json');
    body.groupKey = `{}:{trial="trial-${trial}"}`;
    body.commonLabels = { ...(body.commonLabels as Record<string, string>), trial: `trial-${trial}` };
    try {
      const response = await fetch(`${base}/webhooks/alertmanager`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return response.status === 200;
    } catch {
      return false;
    }
  }

  it(`loses nothing and runs nothing twice across ${TRIALS} kills (seed ${SEED})`, async () => {
    console.log(`flow-kill-random: KILL_SEED=${SEED}`);
    const next = random(SEED);
    driver = drive();
    const unsent = new Set<number>();
    let resent = 0;
    for (let trial = 1; trial <= TRIALS; trial += 1) {
      await start();
      for (const pending of [...unsent]) {
        if (!(await fire(pending))) continue;
        unsent.delete(pending);
        resent += 1;
      }
      // The kill falls anywhere from before the webhook is answered to after the fix: the flow of one
      // incident (triage, question, answer, options, answer, a 400 ms tool) takes about 1.5 s here.
      const delay = Math.floor(next() * 2_000);
      const fired = fire(trial).then((ok) => {
        if (!ok) unsent.add(trial);
      });
      await new Promise((resolve) => setTimeout(resolve, delay));
      await kill();
      await fired;
    }
    await start();
    for (const pending of [...unsent]) {
      expect(await fire(pending), `trial ${pending} delivered after the last restart`).toBe(true);
      resent += 1;
    }

    // Every incident reaches its fix, however its flow was cut.
    await until(
      'every incident fixed',
      async () =>
        (
          await db.query<{ n: number }>(
            "SELECT count(DISTINCT incident_id)::int AS n FROM actions WHERE status = 'succeeded'",
          )
        ).rows[0]!.n === TRIALS,
      120_000,
    ).catch(async (error: unknown) => {
      // What the stuck incidents look like, for the report of a failed run.
      const stuck = await db.query(
        `SELECT i.id, i.external_key, i.status, (SELECT json_agg(json_build_object('kind', q.kind, 'status', q.status) ORDER BY q.id) FROM questions q WHERE q.incident_id = i.id) AS questions,
                (SELECT json_agg(json_build_object('step', a.step, 'status', a.status) ORDER BY a.id) FROM actions a WHERE a.incident_id = i.id) AS actions
         FROM incidents i WHERE NOT EXISTS (SELECT 1 FROM actions a WHERE a.incident_id = i.id AND a.status = 'succeeded')`,
      );
      console.log(
        `flow-kill-random: stuck ${JSON.stringify(stuck.rows)}\n${service
          ?.output()
          .split('\n')
          .filter((line) => /"level":(40|50)/.test(line))
          .slice(-20)
          .join('\n')}`,
      );
      throw error;
    });
    driving = false;
    await driver;

    const statuses = await db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM actions GROUP BY status ORDER BY status',
    );
    console.log(
      `flow-kill-random: ${TRIALS} kills, notifications re-sent after a kill: ${resent}, actions by status: ${statuses.rows.map((row) => `${row.status} ${row.n}`).join(', ')}`,
    );
    const incidents = await db.query<{ id: string; external_key: string }>(
      'SELECT id, external_key FROM incidents ORDER BY id',
    );
    expect(incidents.rows).toHaveLength(TRIALS);
    const calls = readMcpCalls(callLog);
    const rows = await db.query<{ trial: string; claimed: number; succeeded: number }>(
      `SELECT substring(i.external_key from 'trial-[0-9]+') AS trial, count(a.id)::int AS claimed, count(a.id) FILTER (WHERE a.status = 'succeeded')::int AS succeeded
       FROM incidents i LEFT JOIN actions a ON a.incident_id = i.id GROUP BY 1`,
    );
    for (const row of rows.rows) {
      const ran = calls.filter((call) => call.arguments.name === row.trial).length;
      // A tool call happens only after its action row is claimed, and at most once per row.
      expect(ran, `${row.trial}: ${ran} calls for ${row.claimed} claimed actions`).toBeLessThanOrEqual(row.claimed);
      expect(row.succeeded, row.trial).toBeGreaterThanOrEqual(1);
    }
  }, 600_000);
});
