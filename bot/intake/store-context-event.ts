import type { ContextEvent } from '../../webhooks/intake-event.ts';
import type { Queryable } from '../db/pool.ts';
import { createEventRepository } from '../db/repositories/events.ts';

/** Stores a context event once per dedup key; true when it was new. */
export function storeContextEvent(db: Queryable, event: ContextEvent): Promise<boolean> {
  return createEventRepository(db).insertOnce({
    source: event.source,
    kind: event.eventKind,
    subject: event.subject,
    payload: event.payload,
    dedupKey: event.dedupKey,
  });
}
