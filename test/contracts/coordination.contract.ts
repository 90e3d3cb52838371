import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Coordination } from '../../bot/coordination/index.ts';

export interface CoordinationSubject {
  coordination: Coordination;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let counter = 0;
/** Each test uses its own keys, so the suite can share one backend. */
const key = (name: string) => `${name}-${process.pid}-${++counter}-${Date.now()}`;

/**
 * What every coordination backend must do. Each implementation supplies only setup and teardown.
 * Expiry tests use short TTLs and real time: both backends judge expiry by their server's clock.
 */
export function coordinationContract(
  name: string,
  skipReason: string | undefined,
  setup: () => Promise<CoordinationSubject>,
): void {
  describe.skipIf(skipReason !== undefined)(
    `coordination contract: ${name}${skipReason ? ` (skipped: ${skipReason})` : ''}`,
    () => {
      let subject: CoordinationSubject;
      let c: Coordination;

      beforeAll(async () => {
        subject = await setup();
        c = subject.coordination;
      });
      afterAll(async () => {
        await subject?.close();
      });

      it('answers ping', async () => {
        await expect(c.ping()).resolves.toBeUndefined();
      });

      describe('claimOnce', () => {
        it('lets exactly one of many concurrent callers claim a key', async () => {
          const k = key('claim');
          const results = await Promise.all(Array.from({ length: 20 }, () => c.claimOnce(k, 60_000)));
          expect(results.filter(Boolean)).toHaveLength(1);
        });

        it('frees the key after its TTL', async () => {
          const k = key('claim-ttl');
          expect(await c.claimOnce(k, 150)).toBe(true);
          expect(await c.claimOnce(k, 150)).toBe(false);
          await sleep(300);
          expect(await c.claimOnce(k, 150)).toBe(true);
        });
      });

      describe('locks', () => {
        it('are exclusive until released', async () => {
          const k = key('lock');
          const first = await c.acquireLock(k, 60_000);
          expect(first).toBeDefined();
          expect(await c.acquireLock(k, 60_000)).toBeUndefined();
          expect(await first!.release()).toBe(true);
          const second = await c.acquireLock(k, 60_000);
          expect(second).toBeDefined();
          await second!.release();
        });

        it('expire when the holder dies, and a stale holder cannot release the new owner', async () => {
          const k = key('lock-expiry');
          const stale = await c.acquireLock(k, 150);
          await sleep(300);
          const fresh = await c.acquireLock(k, 60_000);
          expect(fresh).toBeDefined();
          expect(await stale!.release()).toBe(false);
          expect(await c.acquireLock(k, 60_000)).toBeUndefined();
          expect(await fresh!.release()).toBe(true);
        });

        it('are kept by a live holder that extends them, and a stale holder cannot extend', async () => {
          const k = key('lock-extend');
          // Margins of several hundred ms, so that a busy machine's late timers do not change the outcome.
          const held = await c.acquireLock(k, 500);
          await sleep(150);
          expect(await held!.extend(800)).toBe(true);
          await sleep(400);
          expect(await c.acquireLock(k, 60_000)).toBeUndefined(); // past its first TTL, still held
          await sleep(600);
          expect(await held!.extend(400)).toBe(false); // expired: gone, and not revived
          const next = await c.acquireLock(k, 60_000);
          expect(next).toBeDefined();
          expect(await held!.extend(400)).toBe(false);
          await next!.release();
        });

        it('give one winner among concurrent acquirers', async () => {
          const k = key('lock-race');
          const locks = await Promise.all(Array.from({ length: 10 }, () => c.acquireLock(k, 60_000)));
          expect(locks.filter((lock) => lock !== undefined)).toHaveLength(1);
        });
      });

      describe('counters', () => {
        it('count within a window and read back', async () => {
          const k = key('counter');
          expect(await c.readCounter(k)).toBe(0);
          expect(await c.increment(k, 60_000)).toBe(1);
          expect(await c.increment(k, 60_000, 4)).toBe(5);
          expect(await c.readCounter(k)).toBe(5);
        });

        it('lose no increments under concurrency', async () => {
          const k = key('counter-race');
          await Promise.all(Array.from({ length: 25 }, () => c.increment(k, 60_000)));
          expect(await c.readCounter(k)).toBe(25);
        });

        it('start again after the window, which begins at the first increment', async () => {
          const k = key('counter-window');
          await c.increment(k, 200);
          await sleep(100);
          // A later increment must not extend the window.
          expect(await c.increment(k, 200)).toBe(2);
          await sleep(200);
          expect(await c.readCounter(k)).toBe(0);
          expect(await c.increment(k, 200)).toBe(1);
        });
      });

      describe('due-time queues', () => {
        it('return only due items, earliest first, with their payloads', async () => {
          const q = key('queue');
          const now = Date.now();
          await c.schedule(q, 'later', new Date(now + 60_000), { incident: 2 });
          await c.schedule(q, 'second', new Date(now - 1_000), { incident: 1, reason: 'snooze' });
          await c.schedule(q, 'first', new Date(now - 5_000), null);
          const due = await c.takeDue(q, new Date(now));
          expect(due.map((item) => item.member)).toEqual(['first', 'second']);
          expect(due[1]!.payload).toEqual({ incident: 1, reason: 'snooze' });
          expect(due[1]!.dueAt.getTime()).toBe(now - 1_000);
          expect(await c.takeDue(q, new Date(now))).toEqual([]);
          expect((await c.listScheduled(q)).map((item) => item.member)).toEqual(['later']);
        });

        it('reschedule a member instead of duplicating it', async () => {
          const q = key('queue-reschedule');
          const now = Date.now();
          await c.schedule(q, 'snooze:14', new Date(now + 60_000), { n: 1 });
          await c.schedule(q, 'snooze:14', new Date(now - 1), { n: 2 });
          const due = await c.takeDue(q, new Date(now));
          expect(due).toHaveLength(1);
          expect(due[0]!.payload).toEqual({ n: 2 });
        });

        it('cancel a member', async () => {
          const q = key('queue-cancel');
          await c.schedule(q, 'a', new Date(Date.now() - 1));
          expect(await c.cancel(q, 'a')).toBe(true);
          expect(await c.cancel(q, 'a')).toBe(false);
          expect(await c.takeDue(q, new Date())).toEqual([]);
        });

        it('hand each due item to exactly one of several concurrent takers', async () => {
          const q = key('queue-race');
          const past = new Date(Date.now() - 1_000);
          await Promise.all(Array.from({ length: 40 }, (_, i) => c.schedule(q, `m${i}`, past, { i })));
          const batches = await Promise.all(Array.from({ length: 5 }, () => c.takeDue(q, new Date(), 10)));
          const members = batches.flat().map((item) => item.member);
          expect(new Set(members).size).toBe(members.length);
          const rest = await c.takeDue(q, new Date(), 100);
          expect(members.length + rest.length).toBe(40);
        });

        it('respect the limit', async () => {
          const q = key('queue-limit');
          const past = new Date(Date.now() - 1_000);
          for (let i = 0; i < 5; i++) await c.schedule(q, `m${i}`, new Date(past.getTime() + i));
          expect(await c.takeDue(q, new Date(), 2)).toHaveLength(2);
          expect(await c.takeDue(q, new Date(), 10)).toHaveLength(3);
        });
      });
    },
  );
}
