import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatSendError, type OutgoingNotice } from '../../graphs/chat-port.ts';
import { createPool } from '../../bot/db/pool.ts';
import { createMetrics } from '../../bot/metrics/create-metrics.ts';
import { createOutboxRepository } from '../../bot/db/repositories/outbox.ts';
import { createOutboxWorker } from '../../bot/outbox/outbox-worker.ts';
import { createMigratedDatabase, databaseBackends, type MigratedDatabase } from '../helpers/databases.ts';
import { scriptedNotifier } from '../helpers/scripted-notifier.ts';
import { silentLogger } from '../helpers/silent-logger.ts';

const notice = (n: number): OutgoingNotice => ({ kind: 'notice', title: `Notice ${n}`, body: 'body' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const backend of databaseBackends()) {
  describe.skipIf(backend.skipReason !== undefined)(
    `durable outbox on ${backend.name} PostgreSQL${backend.skipReason ? ` (skipped: ${backend.skipReason})` : ''}`,
    () => {
      let database: MigratedDatabase;
      beforeAll(async () => {
        database = await createMigratedDatabase(backend.adminUrl!);
      });
      afterAll(async () => {
        await database?.close();
      });

      function worker(
        notifier: ReturnType<typeof scriptedNotifier>,
        extra: { leaseMs?: number; maxAttempts?: number; pool?: typeof database.pool; baseDelayMs?: number } = {},
      ) {
        const metrics = createMetrics();
        const instance = createOutboxWorker({
          outbox: createOutboxRepository(extra.pool ?? database.pool),
          notifiers: [notifier.notifier],
          logger: silentLogger(),
          metrics,
          baseDelayMs: extra.baseDelayMs ?? 20,
          maxDelayMs: (extra.baseDelayMs ?? 20) * 5,
          leaseMs: extra.leaseMs ?? 60_000,
          maxAttempts: extra.maxAttempts ?? 8,
          random: () => 0.5,
        });
        return { instance, metrics };
      }

      const status = async (id: number) =>
        (
          await database.pool.query<{
            status: string;
            attempts: number;
            platform_ref: string | null;
            last_error: string | null;
          }>('SELECT status, attempts, platform_ref, last_error FROM outbox WHERE id = $1', [id])
        ).rows[0]!;

      it('sends a message once and records the platform reference', async () => {
        const chat = scriptedNotifier('once');
        const [id] = await createOutboxRepository(database.pool).enqueue({ channels: ['once'], message: notice(1) });
        const { instance } = worker(chat);
        expect(await instance.drain()).toBe(1);
        expect(await instance.drain()).toBe(0);
        expect(chat.accepted).toEqual([notice(1)]);
        expect(await status(id!)).toMatchObject({ status: 'sent', attempts: 1, platform_ref: 'once-1' });
      });

      it('enqueues one row per channel, and a repeated dedup key adds nothing', async () => {
        const outbox = createOutboxRepository(database.pool);
        const first = await outbox.enqueue({
          channels: ['dedup-a', 'dedup-b'],
          message: notice(2),
          dedupKey: 'incident:7:question:1',
        });
        const again = await outbox.enqueue({
          channels: ['dedup-a', 'dedup-b'],
          message: notice(2),
          dedupKey: 'incident:7:question:1',
        });
        expect(first).toHaveLength(2);
        expect(again).toEqual([]);
      });

      it('retries with backoff until the platform accepts, then sends once', async () => {
        const chat = scriptedNotifier('flaky');
        chat.failNext(2);
        const [id] = await createOutboxRepository(database.pool).enqueue({ channels: ['flaky'], message: notice(3) });
        // Backoffs long enough that a loaded machine still drains again before the first is over.
        const { instance, metrics } = worker(chat, { baseDelayMs: 400 });
        await instance.drain();
        expect(await status(id!)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'platform unavailable' });
        // Not due yet: the backoff holds it back.
        expect(await instance.drain()).toBe(0);
        await sleep(500);
        await instance.drain();
        await sleep(900);
        await instance.drain();
        expect(chat.accepted).toEqual([notice(3)]);
        expect(await status(id!)).toMatchObject({ status: 'sent', attempts: 3 });
        expect(await metrics.registry.getSingleMetricAsString('steward_outbox_retries_total')).toContain(
          'channel="flaky"} 2',
        );
      });

      it('honours a retry-after from the platform', async () => {
        const chat = scriptedNotifier('limited');
        chat.failNext(1, () => new ChatSendError('rate limited', { retryable: true, retryAfterMs: 400 }));
        const [id] = await createOutboxRepository(database.pool).enqueue({ channels: ['limited'], message: notice(4) });
        const { instance } = worker(chat);
        await instance.drain();
        await sleep(150);
        expect(await instance.drain()).toBe(0);
        await sleep(350);
        await instance.drain();
        expect(await status(id!)).toMatchObject({ status: 'sent', attempts: 2 });
      });

      it('gives up on a message the platform refuses for good, and counts it', async () => {
        const chat = scriptedNotifier('refusing');
        chat.failNext(1, () => new ChatSendError('recipient unknown', { retryable: false }));
        const [id] = await createOutboxRepository(database.pool).enqueue({
          channels: ['refusing'],
          message: notice(5),
        });
        const { instance, metrics } = worker(chat);
        await instance.drain();
        expect(await status(id!)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'recipient unknown' });
        expect(await metrics.registry.getSingleMetricAsString('steward_outbox_failures_total')).toContain(
          'channel="refusing"} 1',
        );
      });

      it('stops after the last attempt', async () => {
        const chat = scriptedNotifier('hopeless');
        chat.failNext(10);
        const [id] = await createOutboxRepository(database.pool).enqueue({
          channels: ['hopeless'],
          message: notice(6),
        });
        const { instance } = worker(chat, { maxAttempts: 2 });
        await instance.drain();
        await sleep(40);
        await instance.drain();
        expect(await status(id!)).toMatchObject({ status: 'failed', attempts: 2 });
        expect(chat.attempts()).toBe(2);
      });

      it('sends each message once when two replicas work the same outbox', async () => {
        const chat = scriptedNotifier('shared');
        const outbox = createOutboxRepository(database.pool);
        for (let i = 0; i < 60; i++) await outbox.enqueue({ channels: ['shared'], message: notice(100 + i) });
        const otherPool = createPool({ connectionString: database.url, logger: silentLogger() });
        try {
          const a = worker(chat).instance;
          const b = worker(chat, { pool: otherPool }).instance;
          const [sentA, sentB] = await Promise.all([a.drain(), b.drain()]);
          expect(sentA + sentB).toBe(60);
          const titles = chat.accepted.map((message) => message.title);
          expect(new Set(titles).size).toBe(60);
          expect(titles).toHaveLength(60);
        } finally {
          await otherPool.end();
        }
      });

      it('sends a message again after its sender died holding the lease, and only then', async () => {
        const outbox = createOutboxRepository(database.pool);
        const [id] = await outbox.enqueue({ channels: ['crashy'], message: notice(7) });
        // A sender claims it and dies before it could send or mark it.
        const claimed = await outbox.claimDue(['crashy'], 10, 200);
        expect(claimed.map((item) => item.id)).toEqual([id]);
        const chat = scriptedNotifier('crashy');
        const { instance } = worker(chat);
        expect(await instance.drain()).toBe(0);
        await sleep(250);
        expect(await instance.drain()).toBe(1);
        expect(chat.accepted).toEqual([notice(7)]);
        expect(await status(id!)).toMatchObject({ status: 'sent', attempts: 2 });
      });

      it('keeps messages queued while the platform is down and delivers them after a restart', async () => {
        const down = scriptedNotifier('restart');
        down.failNext(100);
        const outbox = createOutboxRepository(database.pool);
        const ids = [
          ...(await outbox.enqueue({ channels: ['restart'], message: notice(8) })),
          ...(await outbox.enqueue({ channels: ['restart'], message: notice(9) })),
        ];
        const before = worker(down).instance;
        before.start();
        await sleep(100);
        await before.stop();
        expect(down.accepted).toEqual([]);

        // A new process: the rows are all there is.
        const up = scriptedNotifier('restart');
        const after = worker(up).instance;
        await sleep(120);
        await after.drain();
        expect(up.accepted.map((message) => message.title)).toEqual(['Notice 8', 'Notice 9']);
        for (const id of ids) expect((await status(id)).status).toBe('sent');
        expect(await after.drain()).toBe(0);
      });
    },
  );
}
