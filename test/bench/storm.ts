import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { findFreePort } from '../../bot/db/free-port.ts';
import { startLlmProxyFake } from '../fakes/llm-proxy.ts';
import { modelScript } from '../helpers/model-script.ts';
import { startSignalFake } from '../fakes/signal-rest-api.ts';
import { fixture } from '../helpers/fixtures.ts';
import { readMcpCalls } from '../helpers/mcp-calls.ts';
import { mcpTestServerSection } from '../helpers/mcp-test-server-config.ts';
import { repoRoot, startService } from '../helpers/service-process.ts';
import { signalTextFrame } from '../helpers/signal-frames.ts';
import { freshDatabase } from './ingest.ts';
import { BOT, LLM_KEY, OWNER, llmEnv, signalEnv } from '../helpers/steward-env.ts';
import { buildForStart } from '../helpers/compiled-build.ts';

const GROUPS = 10;
const ALERTS_PER_GROUP = 100;
/** Alertmanager re-sends a growing group as alerts join it: 10 notifications per group, 10 more alerts each. */
const NOTIFICATIONS_PER_GROUP = 10;
/** Incidents answered for the reply-latency figure: the storm's 10 and 90 more. */
const LATENCY_SAMPLES = 100;

export interface StormFigures {
  alerts: number;
  webhookPosts: number;
  llmCalls: number;
  /** Of those, the investigations' (evidence before asking: read-only tools chosen by the model). */
  investigationCalls: number;
  /** Read-only MCP calls the investigations made during the storm. */
  investigationToolCalls: number;
  messages: number;
  firstMessageMs: number;
  /** One alert on a quiet Steward, before the storm: the same path without contention. */
  calmFirstMessageMs: number;
  allQuestionsMs: number;
  replyToToolMs: number[];
  rssIdleMb: number;
  rssPeakMb: number;
  bareRssMb: number;
  postgresRssMb?: number;
}

/** The storm's group (or latency incident) a request is about. */
const groupOf = (data: string) => /(?:storm|latency)-(\d+)/.exec(data)?.[0] ?? 'storm-0';

const answer = modelScript({
  triage: (data) => ({ problem: true, severity: 'critical', reason: `${groupOf(data)} is down`, confidence: 0.9 }),
  proposal: (data) => ({
    diagnosis: 'pods crash',
    options: [
      {
        label: `Restart ${groupOf(data)}-0`,
        tool: 'restart_pod',
        arguments: { name: `${groupOf(data)}-0`, namespace: 'bench' },
        impact: 'one pod',
        risk: 'low',
        reversible: true,
      },
    ],
  }),
});

/** Resident memory of a process, from /proc (MB). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) / 1024;
}

/** A bare reference: Node with Fastify and pg loaded and listening, nothing else. */
async function bareRss(): Promise<number> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      "const f=require('fastify')();require('pg');f.get('/',()=>'ok');f.listen({port:0,host:'127.0.0.1'}).then(()=>console.log('up'))",
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const mb = rssMb(child.pid!);
  child.kill('SIGKILL');
  return mb;
}

async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 5,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`storm: no ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * An alert storm against Steward as a real process with zero-latency fakes: 1,000 alerts in 10
 * Alertmanager groups, each group re-sent as it grows. Counted: model calls and chat messages (one
 * incident per group), the time from the first webhook to the first message, Steward's RSS idle and at
 * its peak; then, per incident, the time from the owner's reply to the MCP tool call.
 */
export async function stormBenchmark(adminUrl: string, postgresPids: () => number[]): Promise<StormFigures> {
  const databaseUrl = await freshDatabase(adminUrl, 'storm_bench');
  const litellm = await startLlmProxyFake({
    flavour: 'litellm',
    apiKey: LLM_KEY,
    models: ['gemini-flash', 'gemini-pro', 'claude-sonnet'],
    defaultContent: answer,
    // An investigating model reads the pods once, then answers: the storm pays for a real tool call.
    defaultToolCalls: (request) =>
      request.tools?.some((tool) => tool.function.name === 'list_pods') &&
      !request.messages.some((message) => message.role === 'tool')
        ? [{ name: 'list_pods', arguments: { namespace: 'bench' } }]
        : undefined,
  });
  const signal = await startSignalFake({ mode: 'json-rpc', number: BOT });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'steward-storm-'));
  const callLog = path.join(dir, 'mcp-calls.jsonl');
  // BENCH_INVESTIGATION=off measures the same storm without evidence before asking, for comparison.
  const investigation = process.env.BENCH_INVESTIGATION === 'off' ? ['investigation:', '  enabled: false'] : [];
  writeFileSync(
    path.join(dir, 'steward.yaml'),
    [...mcpTestServerSection('k8s', { MCP_CALL_LOG: callLog }), ...investigation].join('\n'),
  );
  const port = await findFreePort();
  // Steward runs exactly as `npm start` runs it (the same Node flags and environment as the Dockerfile).
  const start = buildForStart();
  // BENCH_PROF=<dir> keeps a CPU profile of Steward's run there (node --cpu-prof), to see where the time went.
  const service = startService(
    {
      ...start.env,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      STEWARD_CONFIG: path.join(dir, 'steward.yaml'),
      RUNBOOK_DIR: path.join(dir, 'runbooks'),
      ...llmEnv(litellm.url),
      ...signalEnv(signal.url),
      VERIFY_WINDOW: '10m',
      ...(process.env.BENCH_REDIS_URL
        ? { REDIS_URL: process.env.BENCH_REDIS_URL, REDIS_KEY_PREFIX: `storm-${process.pid}:` }
        : {}),
    },
    process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`, ...start.args] : start.args,
  );
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    await service.waitForLog('steward listening', 60_000);
    await until('Signal socket', () => signal.connections() === 1, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const pid = service.child.pid!;
    const rssIdleMb = rssMb(pid);

    const base = fixture<
      { alerts: { labels: Record<string, string>; annotations: Record<string, string>; startsAt: string }[] } & Record<
        string,
        unknown
      >
    >('alertmanager-webhook-v4-firing-group-3-alerts.json');
    const template = base.alerts[0]!;
    const posts: string[] = [];
    for (let step = 1; step <= NOTIFICATIONS_PER_GROUP; step += 1) {
      for (let group = 0; group < GROUPS; group += 1) {
        const alerts = Array.from({ length: (ALERTS_PER_GROUP / NOTIFICATIONS_PER_GROUP) * step }, (_, index) => ({
          ...template,
          status: 'firing',
          labels: {
            ...template.labels,
            alertname: 'KubePodCrashLooping',
            namespace: 'bench',
            group: `storm-${group}`,
            pod: `storm-${group}-${index}`,
          },
          fingerprint: `${group.toString(16).padStart(4, '0')}${index.toString(16).padStart(12, '0')}`,
        }));
        posts.push(
          JSON.stringify({
            ...base,
            groupKey: `{}:{group="storm-${group}"}`,
            truncatedAlerts: 0,
            groupLabels: { group: `storm-${group}` },
            commonLabels: { alertname: 'KubePodCrashLooping', group: `storm-${group}` },
            alerts,
          }),
        );
      }
    }
    // One alert on a quiet Steward first: webhook to its question, without the storm's contention.
    const calm = JSON.stringify({
      ...base,
      groupKey: '{}:{group="calm"}',
      groupLabels: { group: 'calm' },
      commonLabels: { alertname: 'KubePodCrashLooping', group: 'calm' },
      alerts: [
        {
          ...template,
          status: 'firing',
          labels: { ...template.labels, group: 'calm', pod: 'calm-0' },
          fingerprint: 'ca1m00000000000',
        },
      ],
    });
    const calmStarted = performance.now();
    await fetch(`http://127.0.0.1:${port}/webhooks/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: calm,
    });
    await until('the calm question', () => signal.sent.length > 0, 30_000, 1);
    const calmFirstMessageMs = signal.sentAt[0]! - (performance.timeOrigin + calmStarted);
    // Past Signal's 1/s pacing for the conversation, so the storm's first message is not held by it.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const callsBefore = litellm.received.length;
    const sentBefore = signal.sent.length;

    let peak = rssIdleMb;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMb(pid));
    }, 20);
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < posts.length) {
          const body = posts[next++]!;
          const response = await fetch(`http://127.0.0.1:${port}/webhooks/alertmanager`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          });
          if (response.status !== 200) throw new Error(`storm: webhook answered ${response.status}`);
        }
      }),
    );
    await until('a first message', () => signal.sent.length > sentBefore, 30_000, 1);
    const firstMessageMs = signal.sentAt[sentBefore]! - (performance.timeOrigin + started);
    await until(
      'a question per group',
      () =>
        signal.sent.slice(sentBefore).filter((sent) => String(sent.message).includes('Is this a problem?')).length >=
        GROUPS,
      60_000,
      20,
    );
    const allQuestionsMs = performance.now() - started;
    // Whatever else would come (a second question, more notices) has time to show up.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    clearInterval(sampler);
    const llmCalls = litellm.received.length - callsBefore;
    const investigationCalls = litellm.received
      .slice(callsBefore)
      .filter((request) => JSON.stringify(request.responseFormat ?? {}).includes('relevant')).length;
    const investigationToolCalls = readMcpCalls(callLog).filter((call) => call.tool === 'list_pods').length;
    const messages = signal.sent.length - sentBefore;

    // Reply latency needs more samples than the storm's 10 incidents for a p99 that is not just the
    // maximum: 90 more single-alert incidents, one after another.
    for (let extra = 0; extra < LATENCY_SAMPLES - GROUPS; extra += 1) {
      const body = JSON.stringify({
        ...base,
        groupKey: `{}:{group="latency-${extra}"}`,
        groupLabels: { group: `latency-${extra}` },
        commonLabels: { alertname: 'KubePodCrashLooping', group: `latency-${extra}` },
        alerts: [
          {
            ...template,
            status: 'firing',
            labels: { ...template.labels, group: `latency-${extra}`, pod: `latency-${extra}-0` },
            fingerprint: `1a7e${extra.toString(16).padStart(12, '0')}`,
          },
        ],
      });
      const response = await fetch(`http://127.0.0.1:${port}/webhooks/alertmanager`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      if (response.status !== 200) throw new Error(`latency: webhook answered ${response.status}`);
    }
    await until(
      'every latency incident asked',
      async () =>
        (await db.query("SELECT 1 FROM questions WHERE kind = 'problem' AND status = 'open'")).rowCount! >=
        LATENCY_SAMPLES,
      120_000,
      50,
    );

    // The owner answers each incident: "a problem" (1), then the first option (1); timed from the
    // second reply to the tool call the MCP server receives.
    const incidents = (
      await db.query<{ id: string }>(
        "SELECT id FROM incidents WHERE external_key LIKE '%storm-%' OR external_key LIKE '%latency-%' ORDER BY id",
      )
    ).rows.map((row) => Number(row.id));
    const calls = () => readMcpCalls(callLog).length;
    const replyToToolMs: number[] = [];
    for (const incident of incidents) {
      signal.deliver(signalTextFrame(BOT, OWNER, `1 #${incident}`));
      await until(
        'the solutions question',
        async () =>
          (
            await db.query("SELECT 1 FROM questions WHERE incident_id = $1 AND kind = 'solution' AND status = 'open'", [
              incident,
            ])
          ).rowCount === 1,
        30_000,
        10,
      );
      const before = calls();
      const sent = performance.now();
      signal.deliver(signalTextFrame(BOT, OWNER, `1 #${incident}`));
      await until('the tool call', () => calls() > before, 30_000, 1);
      replyToToolMs.push(performance.now() - sent);
    }
    const postgres = postgresPids();
    return {
      alerts: GROUPS * ALERTS_PER_GROUP,
      webhookPosts: posts.length,
      llmCalls,
      investigationCalls,
      investigationToolCalls,
      messages,
      firstMessageMs,
      calmFirstMessageMs,
      allQuestionsMs,
      replyToToolMs,
      rssIdleMb,
      rssPeakMb: peak,
      bareRssMb: await bareRss(),
      ...(postgres.length > 0 ? { postgresRssMb: postgres.reduce((sum, each) => sum + rssMb(each), 0) } : {}),
    };
  } finally {
    await db.end();
    await service.stop('SIGTERM');
    start.remove();
    // BENCH_LOG=<file> keeps Steward's log of the run, to see where the time went.
    if (process.env.BENCH_LOG) writeFileSync(process.env.BENCH_LOG, service.output());
    await signal.close();
    await litellm.close();
  }
}
