import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { fixturesDir } from '../helpers/fixtures.ts';
import { BENCH_TOKEN as TOKEN } from './ingest-server.ts';

const CONNECTIONS = 50;
const ROUND_SECONDS = 8;
const ROUNDS = 3;
const GROUPS = 100;

export interface RunFigures {
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
}

/**
 * Steward's webhook ingest against a bare Fastify endpoint that does the same JSON parse and one
 * PostgreSQL upsert, in the same run, alternating rounds (single runs vary by ±12% on this machine).
 * Both see the same 2 KB real Alertmanager capture, spread over 100 groups.
 */
export async function ingestBenchmark(
  adminUrl: string,
): Promise<{ steward: RunFigures; bare: RunFigures; ratio: number }> {
  const stewardDb = await freshDatabase(adminUrl, 'steward_bench');
  const bareDb = await freshDatabase(adminUrl, 'bare_bench');
  const capture = JSON.parse(readFileSync(`${fixturesDir}alertmanager-real-capture.json`, 'utf8')) as {
    groupKey: string;
  };
  const bodies = Array.from({ length: GROUPS }, (_, i) =>
    JSON.stringify({ ...capture, groupKey: `${capture.groupKey}/bench-${i}` }),
  );

  // Each server runs in a process of its own, as in production; the load generator stays here, so it
  // never shares an event loop with what it measures.
  const steward = await startServerProcess('steward', stewardDb);
  const bare = await startServerProcess('bare', bareDb);
  try {
    const stewardUrl = steward.url;
    const bareUrl = bare.url;
    await load(stewardUrl, bodies, 3);
    await load(bareUrl, bodies, 3);
    const stewardRuns: RunFigures[] = [];
    const bareRuns: RunFigures[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      stewardRuns.push(await load(stewardUrl, bodies, ROUND_SECONDS));
      bareRuns.push(await load(bareUrl, bodies, ROUND_SECONDS));
    }
    const stewardMedian = median(stewardRuns);
    const bareMedian = median(bareRuns);
    return {
      steward: stewardMedian,
      bare: bareMedian,
      ratio: stewardMedian.requestsPerSecond / bareMedian.requestsPerSecond,
    };
  } finally {
    await steward.close();
    await bare.close();
  }
}

/** Starts `ingest-server.ts` for one side and waits for the URL it prints. */
async function startServerProcess(
  kind: 'steward' | 'bare',
  databaseUrl: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./ingest-server.ts', import.meta.url)), kind, databaseUrl],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^listening (\S+)$/m.exec(out);
      if (line) resolve(line[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${kind} bench server exited with ${code}`)));
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function load(url: string, bodies: string[], seconds: number): Promise<RunFigures> {
  let next = 0;
  const result = await autocannon({
    url: `${url}/webhooks/alertmanager`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length]! }),
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx + result.errors,
  };
}

function median(runs: RunFigures[]): RunFigures {
  const sorted = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
