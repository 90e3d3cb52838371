import type { ChatOption } from '../../graphs/chat-port.ts';
import type { Answer } from '../../graphs/questions.ts';
import { actionDigest, type ToolCall } from '../../graphs/tool-call.ts';
import type { Queryable } from '../db/pool.ts';

/**
 * Whether `calls` are exactly what the owner approved for a question: the decision chose an option
 * that showed calls, the digest the decision recorded is the digest of those stored calls, and of the
 * calls about to run. Anything else (a state that changed, an option that showed no call, a decision
 * recorded without a digest) is refused with the reason, and nothing runs.
 */
export async function checkApprovedCalls(db: Queryable, questionId: number, calls: readonly ToolCall[]): Promise<{ ok: true; digest: string } | { ok: false; reason: string }> {
  const result = await db.query<{ action_digest: string | null; answer: Answer; options: ChatOption[] }>(
    'SELECT d.action_digest, d.answer, q.options FROM decisions d JOIN questions q ON q.id = d.question_id WHERE d.question_id = $1',
    [questionId],
  );
  const row = result.rows[0];
  if (!row) return { ok: false, reason: 'nobody approved it' };
  if (row.answer.kind !== 'option') return { ok: false, reason: 'the answer chose no option' };
  const chosen = row.answer.option;
  const shown = row.options.find((option) => option.number === chosen)?.calls ?? [];
  if (shown.length === 0 || !row.action_digest) return { ok: false, reason: 'the approved option showed no call to run' };
  if (actionDigest(shown) !== row.action_digest) return { ok: false, reason: 'the approved question no longer holds what was approved' };
  if (actionDigest(calls) !== row.action_digest) return { ok: false, reason: 'it is not what the approved option showed' };
  return { ok: true, digest: row.action_digest };
}
