import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { startEmbeddedPostgres } from '../../bot/db/embedded-postgres.ts';
import { processesMentioning } from '../helpers/service-process.ts';
import { ingestBenchmark } from './ingest.ts';
import { retentionBenchmark } from './retention.ts';
import { stormBenchmark } from './storm.ts';

/**
 * `npm run bench [scenario…]`: measured against a bare reference in the same run. The database is
 * BENCH_DATABASE_URL (a server where databases may be created), else an embedded PostgreSQL.
 */
/** The embedded PostgreSQL's data directory, when the bench started one: its processes are measured apart. */
let embeddedDir: string | undefined;

const scenarios: Record<string, (adminUrl: string) => Promise<void>> = {
  async ingest(adminUrl) {
    const { steward, bare, ratio } = await ingestBenchmark(adminUrl);
    console.log('\ningest: 2 KB Alertmanager notifications, 100 groups, 50 connections, median of 3 × 8 s rounds');
    console.table({
      steward: { 'req/s': Math.round(steward.requestsPerSecond), 'p99 ms': steward.p99Ms, 'non-2xx': steward.non2xx },
      'bare fastify + 1 upsert': {
        'req/s': Math.round(bare.requestsPerSecond),
        'p99 ms': bare.p99Ms,
        'non-2xx': bare.non2xx,
      },
    });
    console.log(
      `ratio steward / bare: ${ratio.toFixed(2)}× (target ≥ 0.5×); steward p99 ${steward.p99Ms} ms (target < 50 ms)`,
    );
  },
  async storm(adminUrl) {
    const figures = await stormBenchmark(adminUrl, () => (embeddedDir ? processesMentioning(embeddedDir) : []));
    const sorted = [...figures.replyToToolMs].sort((a, b) => a - b);
    const p99 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!;
    console.log(
      `\nstorm: ${figures.alerts} alerts in 10 groups over ${figures.webhookPosts} webhook posts, zero-latency LLM, Signal and MCP fakes`,
    );
    console.table({
      'LLM calls': { value: figures.llmCalls, target: '≤ 10 triage' },
      '…of which investigation': { value: figures.investigationCalls, target: '' },
      'read-only MCP calls of the investigations': { value: figures.investigationToolCalls, target: '' },
      'chat messages': { value: figures.messages, target: '≤ 10' },
      'webhook → first message (ms)': { value: Math.round(figures.firstMessageMs), target: '< 1000' },
      'one alert, quiet Steward: webhook → message (ms)': { value: Math.round(figures.calmFirstMessageMs), target: '' },
      'webhook → all 10 questions sent (ms)': {
        value: Math.round(figures.allQuestionsMs),
        target: '(Signal paces 1/s)',
      },
      [`reply → tool call p99 of ${sorted.length} (ms)`]: { value: Math.round(p99), target: '< 100' },
      'reply → tool call median (ms)': { value: Math.round(sorted[Math.floor(sorted.length / 2)]!), target: '' },
      'reply → tool call, five slowest (ms)': { value: sorted.slice(-5).map(Math.round).join(' '), target: '' },
      'Steward RSS idle (MB)': { value: Math.round(figures.rssIdleMb), target: '< 120' },
      'Steward RSS peak in the storm (MB)': { value: Math.round(figures.rssPeakMb), target: '< 200' },
      'bare Node + Fastify + pg RSS (MB)': { value: Math.round(figures.bareRssMb), target: 'reference' },
      ...(figures.postgresRssMb !== undefined
        ? {
            'embedded PostgreSQL RSS, all processes (MB)': {
              value: Math.round(figures.postgresRssMb),
              target: 'separate',
            },
          }
        : {}),
    });
  },
  async retention(adminUrl) {
    const f = await retentionBenchmark(adminUrl);
    const mb = (bytes: number) => (bytes / 1_048_576).toFixed(1);
    console.log(
      `\nretention: ${f.incidents} closed incidents over 30 days, CHECKPOINT_RETENTION=7d; ${f.withinRetention} closed within it keep their checkpoints`,
    );
    console.table({
      'checkpoints of one incident (bytes)': { value: f.checkpointBytesPerIncident },
      'one closed incident after retention (bytes)': { value: f.keptBytesPerIncident },
      'database before retention (MB)': { value: mb(f.databaseBytesBefore) },
      'database after retention + VACUUM (MB)': { value: mb(f.databaseBytesAfter) },
      'database after VACUUM FULL of the checkpoint tables (MB)': { value: mb(f.databaseBytesAfterVacuumFull) },
      'checkpoint tables before (MB)': { value: mb(f.checkpointTableBytesBefore) },
      'checkpoint tables after, compacted (MB)': { value: mb(f.checkpointTableBytesAfter) },
      'retention run (ms)': { value: Math.round(f.purgeMs) },
    });
  },
};

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(scenarios);
for (const name of names)
  if (!scenarios[name]) throw new Error(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(', ')}`);

let adminUrl = process.env.BENCH_DATABASE_URL;
let stop = async () => {};
if (!adminUrl) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'steward-bench-'));
  await chmod(dir, 0o755);
  const embedded = await startEmbeddedPostgres(dir, pino({ level: 'warn' }));
  embeddedDir = dir;
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
