import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/pool.ts';
import type { Coordination, DueItem, Lock } from './types.ts';

/**
 * Coordination on PostgreSQL for the embedded default (no Redis). Expiry is judged by the database
 * clock, so replicas with skewed clocks still agree; expired rows are overwritten in place.
 */
export function createPostgresCoordination(db: Queryable): Coordination {
  async function setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const result = await db.query(
      `INSERT INTO coord_keys (key, value, expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3::double precision / 1000))
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at
         WHERE coord_keys.expires_at <= now()
       RETURNING 1`,
      [key, value, ttlMs],
    );
    return result.rowCount === 1;
  }

  return {
    backend: 'postgres',

    claimOnce(key, ttlMs) {
      return setIfAbsent(`claim:${key}`, '1', ttlMs);
    },

    async acquireLock(key, ttlMs) {
      const token = randomUUID();
      const lockKey = `lock:${key}`;
      if (!(await setIfAbsent(lockKey, token, ttlMs))) return undefined;
      const lock: Lock = {
        key,
        token,
        release: async () => {
          const result = await db.query('DELETE FROM coord_keys WHERE key = $1 AND value = $2', [lockKey, token]);
          return result.rowCount === 1;
        },
        extend: async (ms: number) => {
          const result = await db.query(
            'UPDATE coord_keys SET expires_at = now() + make_interval(secs => $3::double precision / 1000) WHERE key = $1 AND value = $2 AND expires_at > now()',
            [lockKey, token, ms],
          );
          return result.rowCount === 1;
        },
      };
      return lock;
    },

    async increment(key, windowMs, by = 1) {
      const result = await db.query<{ value: string }>(
        `INSERT INTO coord_counters (key, value, expires_at)
         VALUES ($1, $2, now() + make_interval(secs => $3::double precision / 1000))
         ON CONFLICT (key) DO UPDATE SET
           value = CASE WHEN coord_counters.expires_at <= now() THEN EXCLUDED.value ELSE coord_counters.value + EXCLUDED.value END,
           expires_at = CASE WHEN coord_counters.expires_at <= now() THEN EXCLUDED.expires_at ELSE coord_counters.expires_at END
         RETURNING value`,
        [key, by, windowMs],
      );
      return Number(result.rows[0]!.value);
    },

    async readCounter(key) {
      const result = await db.query<{ value: string }>(
        'SELECT value FROM coord_counters WHERE key = $1 AND expires_at > now()',
        [key],
      );
      return Number(result.rows[0]?.value ?? 0);
    },

    async schedule(queue, member, dueAt, payload = null) {
      await db.query(
        `INSERT INTO coord_queue (queue, member, due_at, payload) VALUES ($1, $2, $3, $4)
         ON CONFLICT (queue, member) DO UPDATE SET due_at = EXCLUDED.due_at, payload = EXCLUDED.payload`,
        [queue, member, dueAt, JSON.stringify(payload)],
      );
    },

    async cancel(queue, member) {
      const result = await db.query('DELETE FROM coord_queue WHERE queue = $1 AND member = $2', [queue, member]);
      return result.rowCount === 1;
    },

    async takeDue(queue, now, limit = 100) {
      // SKIP LOCKED: concurrent takers split the due items instead of waiting for each other.
      const result = await db.query<{ member: string; due_at: Date; payload: unknown }>(
        `DELETE FROM coord_queue WHERE (queue, member) IN (
           SELECT queue, member FROM coord_queue WHERE queue = $1 AND due_at <= $2
           ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING member, due_at, payload`,
        [queue, now, limit],
      );
      return sortByDue(result.rows.map(toItem));
    },

    async listScheduled(queue, limit = 100) {
      const result = await db.query<{ member: string; due_at: Date; payload: unknown }>(
        'SELECT member, due_at, payload FROM coord_queue WHERE queue = $1 ORDER BY due_at, member LIMIT $2',
        [queue, limit],
      );
      return result.rows.map(toItem);
    },

    async ping() {
      await db.query('SELECT 1');
    },

    async close() {
      // The pool belongs to the database handle and is closed with it.
    },
  };
}

function toItem(row: { member: string; due_at: Date; payload: unknown }): DueItem {
  return { member: row.member, dueAt: row.due_at, payload: row.payload };
}

function sortByDue(items: DueItem[]): DueItem[] {
  return items.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.member.localeCompare(b.member));
}
