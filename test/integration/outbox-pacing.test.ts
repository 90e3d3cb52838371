import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresCoordination } from '../../bot/coordination/index.ts';
import { createMetrics } from '../../bot/metrics/create-metrics.ts';
import { createOutboxRepository, type OutboxRepository } from '../../bot/db/repositories/outbox.ts';
import { createOutboxWorker } from '../../bot/outbox/outbox-worker.ts';
import { createStuckChannelWatch } from '../../bot/outbox/stuck-channel-watch.ts';
import { createSignalNotifier } from '../../notifiers/signal/signal-notifier.ts';
import { startSignalFake } from '../fakes/signal-rest-api.ts';
import { useMigratedDatabase } from '../helpers/databases.ts';
import { silentLogger } from '../helpers/silent-logger.ts';
import { solutionsQuestion } from '../helpers/sample-messages.ts';

const BOT = '+4917098765432';
const OWNER = '+4915112345678';

describe('sending to Signal without tripping its rate limit', () => {
  const database = useMigratedDatabase();
  let outbox: OutboxRepository;

  beforeAll(() => {
    outbox = createOutboxRepository(database.pool);
  });
  beforeEach(async () => {
    await database.pool.query('DELETE FROM outbox');
  });

  const workerFor = (apiUrl: string, paceMs: number) =>
    createOutboxWorker({
      outbox,
      notifiers: [createSignalNotifier({ apiUrl, number: BOT, recipients: [OWNER], log: () => undefined, paceMs })],
      logger: silentLogger(),
      metrics: createMetrics(),
      baseDelayMs: 10,
      maxDelayMs: 20,
      random: () => 0.5,
    });

  it('spaces sends to one conversation at least the pacing interval apart', async () => {
    const fake = await startSignalFake({ mode: 'normal', number: BOT });
    try {
      await outbox.enqueue({ channels: ['signal'], message: { ...solutionsQuestion, questionId: '1' } });
      await outbox.enqueue({ channels: ['signal'], message: { ...solutionsQuestion, questionId: '2' } });
      await outbox.enqueue({ channels: ['signal'], message: { ...solutionsQuestion, questionId: '3' } });
      await workerFor(fake.url, 150).drain();
      expect(fake.sent).toHaveLength(3);
      const gaps = fake.sentAt.slice(1).map((at, index) => at - fake.sentAt[index]!);
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(148);
    } finally {
      await fake.close();
    }
  });

  it('sends a backlog of updates that built up during a rate limit as one message', async () => {
    const fake = await startSignalFake({ mode: 'normal', number: BOT });
    try {
      fake.failNextSends({ status: 429, body: { error: 'Failed to send message: [429] Rate Limited' } });
      const worker = workerFor(fake.url, 0);
      await outbox.enqueue({
        channels: ['signal'],
        message: { kind: 'notice', title: '🔔 #4: 1 more alert', body: 'DiskFull on nas' },
      });
      await worker.drain();
      expect(fake.sent).toHaveLength(0);
      // Meanwhile two more updates are queued; the rate limit's wait is over.
      await outbox.enqueue({ channels: ['signal'], message: { kind: 'notice', title: '✅ #3 resolved', body: '' } });
      await outbox.enqueue({ channels: ['signal'], message: { kind: 'notice', title: '✅ #4 resolved', body: '' } });
      await database.pool.query("UPDATE outbox SET next_attempt_at = now() WHERE status = 'pending'");
      await worker.drain();
      expect(fake.sent.map((body) => body.message)).toEqual([
        '**3 updates**\n\n🔔 #4: 1 more alert\nDiskFull on nas\n\n✅ #3 resolved\n\n✅ #4 resolved',
      ]);
      const rows = await database.pool.query<{ status: string; platform_ref: string }>(
        'SELECT status, platform_ref FROM outbox ORDER BY id',
      );
      expect(new Set(rows.rows.map((row) => `${row.status}:${row.platform_ref}`)).size).toBe(1);
    } finally {
      await fake.close();
    }
  });

  it('reports a channel that has not delivered for too long through the other channels, once an hour', async () => {
    const coordination = createPostgresCoordination(database.pool);
    await database.pool.query(
      "INSERT INTO outbox (channel, conversation, kind, payload, attempts, last_error, created_at) VALUES ('signal', 'default', 'notice', '{}', 5, 'Signal demands a rate-limit challenge (captcha) for this account', now() - interval '20 minutes')",
    );
    const watch = (channels: string[]) =>
      createStuckChannelWatch({ outbox, coordination, logger: silentLogger(), channels, stuckAfterMs: 10 * 60_000 });
    expect(await watch(['signal']).check()).toEqual([]); // nowhere else to say it: logged only
    expect(await watch(['signal', 'mattermost']).check()).toEqual(['signal']);
    expect(await watch(['signal', 'mattermost']).check()).toEqual([]);
    const told = await database.pool.query<{ channel: string; payload: { title: string; body: string } }>(
      "SELECT channel, payload FROM outbox WHERE channel = 'mattermost'",
    );
    expect(told.rows).toHaveLength(1);
    expect(told.rows[0]!.payload.title).toBe('⚠️ Signal is not delivering');
    expect(told.rows[0]!.payload.body).toContain('1 message waiting since');
    expect(told.rows[0]!.payload.body).toContain('Last error: Signal demands a rate-limit challenge (captcha)');
  });
});
