import { statusMessage, type StatusFacts } from '../../graphs/status-message.ts';
import type { Queryable } from '../db/pool.ts';
import { createActionRepository } from '../db/repositories/actions.ts';
import { createIncidentRepository } from '../db/repositories/incidents.ts';
import { createOutboxRepository } from '../db/repositories/outbox.ts';
import { createQuestionRepository } from '../db/repositories/questions.ts';

/** What `status` shows beyond the database: timers, quotas, the mode and the MCP servers. */
export type StatusExtras = Pick<StatusFacts, 'snoozed' | 'quota' | 'autonomyMode' | 'mcp'>;

/**
 * `status`: what waits for the human and what is stuck. Read-only and cheap, so it can be asked any
 * time from any channel.
 */
export async function statusReport(
  db: Queryable,
  extras: StatusExtras = {},
  now = new Date(),
): Promise<{ title: string; body: string }> {
  const questions = await createQuestionRepository(db).oldestOpen(20);
  const counts = await createIncidentRepository(db).liveCounts();
  const running = await createActionRepository(db).running();
  const outbox = await createOutboxRepository(db).troubles();
  return statusMessage({ counts, questions, running, outbox, ...extras }, now);
}
