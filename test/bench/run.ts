import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { startEmbeddedPostgres } from '../../bot/db/embedded-postgres.ts';
import { ingestBenchmark } from './ingest.ts';

/**
 * `npm run bench [scenario…]`: measured against a bare reference in the same run. The database is
 * BENCH_DATABASE_URL (a server where databases may be created), else an embedded PostgreSQL.
 */
const scenarios: Record<string, (adminUrl: string) => Promise<void>> = {
  async ingest(adminUrl) {
    const { steward, bare, ratio } = await ingestBenchmark(adminUrl);
    console.log('\ningest: 2 KB Alertmanager notifications, 100 groups, 50 connections, median of 3 × 8 s rounds');
    console.table({
      steward: { 'req/s': Math.round(steward.requestsPerSecond), 'p99 ms': steward.p99Ms, 'non-2xx': steward.non2xx },
      'bare fastify + 1 upsert': { 'req/s': Math.round(bare.requestsPerSecond), 'p99 ms': bare.p99Ms, 'non-2xx': bare.non2xx },
    });
    console.log(`ratio steward / bare: ${ratio.toFixed(2)}× (target ≥ 0.5×); steward p99 ${steward.p99Ms} ms (target < 50 ms)`);
  },
};

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(scenarios);
for (const name of names) if (!scenarios[name]) throw new Error(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(', ')}`);

let adminUrl = process.env.BENCH_DATABASE_URL;
let stop = async () => {};
if (!adminUrl) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'steward-bench-'));
  await chmod(dir, 0o755);
  const embedded = await startEmbeddedPostgres(dir, pino({ level: 'warn' }));
  adminUrl = embedded.url;
  stop = async () => {
    await embedded.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
try {
  for (const name of names) await scenarios[name]!(adminUrl);
} finally {
  await stop();
}
