import type { ContextEvent } from '../../webhooks/intake-event.ts';
import type { PoolClient } from '../db/pool.ts';

/** Stores a context event once per dedup key; true when it was new. */
export async function storeContextEvent(client: PoolClient, event: ContextEvent): Promise<boolean> {
  const result = await client.query(
    `INSERT INTO events (source, kind, subject, occurred_at, payload, dedup_key) VALUES ($1, $2, $3, now(), $4, $5)
     ON CONFLICT (source, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING RETURNING id`,
    [event.source, event.eventKind, event.subject, event.payload, event.dedupKey],
  );
  return result.rowCount === 1;
}
