/**
 * Short-lived shared state between replicas: idempotency keys, locks, expiring counters and due-time
 * queues. Redis when REDIS_URL is set, PostgreSQL otherwise; both pass `test/contracts/coordination`.
 */
export interface Lock {
  readonly key: string;
  readonly token: string;
  /** Releases only if this holder still owns the lock (compare-and-delete). */
  release(): Promise<boolean>;
  /** Keeps the lock `ttlMs` longer from now, only if this holder still owns it. */
  extend(ttlMs: number): Promise<boolean>;
}

export interface DueItem {
  member: string;
  dueAt: Date;
  payload: unknown;
}

export interface Coordination {
  readonly backend: 'redis' | 'postgres';
  /** Claims `key` for `ttlMs`; true for the first caller only (SET NX PX). */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;
  /** A lock that expires after `ttlMs` even if its holder dies; undefined when held by another. */
  acquireLock(key: string, ttlMs: number): Promise<Lock | undefined>;
  /** Adds `by` (default 1) and returns the new value; the window starts with the first increment. */
  increment(key: string, windowMs: number, by?: number): Promise<number>;
  /** The counter's current value, 0 when absent or expired. */
  readCounter(key: string): Promise<number>;
  /** Schedules (or reschedules) `member` of `queue` for `dueAt`. */
  schedule(queue: string, member: string, dueAt: Date, payload?: unknown): Promise<void>;
  cancel(queue: string, member: string): Promise<boolean>;
  /** Removes and returns up to `limit` items due at `now`; each item is returned to one caller only. */
  takeDue(queue: string, now: Date, limit?: number): Promise<DueItem[]>;
  /** Pending items, earliest first (for `status`). */
  listScheduled(queue: string, limit?: number): Promise<DueItem[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
