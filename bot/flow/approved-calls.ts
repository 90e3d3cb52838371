import type { ToolCall } from '../../graphs/tool-call.ts';
import { notApproved } from '../../graphs/execution-texts.ts';
import { actionDigest } from '../../graphs/tool-call.ts';
import type { Queryable } from '../db/pool.ts';
import { createDecisionRepository } from '../db/repositories/decisions.ts';

/**
 * Whether `calls` are exactly what the owner approved for a question: the decision chose an option
 * that showed calls, the digest the decision recorded is the digest of those stored calls, and of the
 * calls about to run. Anything else (a state that changed, an option that showed no call, a decision
 * recorded without a digest) is refused with the reason, and nothing runs.
 */
export async function checkApprovedCalls(
  db: Queryable,
  questionId: number,
  calls: readonly ToolCall[],
): Promise<{ ok: true; digest: string } | { ok: false; reason: string }> {
  const decision = await createDecisionRepository(db).withShownOptions(questionId);
  if (!decision) return { ok: false, reason: notApproved.nobody };
  const { answer } = decision;
  if (answer.kind !== 'option') return { ok: false, reason: notApproved.noOption };
  const shown = decision.options.find((option) => option.number === answer.option)?.calls ?? [];
  if (shown.length === 0 || !decision.actionDigest) return { ok: false, reason: notApproved.noCall };
  if (actionDigest(shown) !== decision.actionDigest) return { ok: false, reason: notApproved.questionChanged };
  if (actionDigest(calls) !== decision.actionDigest) return { ok: false, reason: notApproved.callsDiffer };
  return { ok: true, digest: decision.actionDigest };
}
