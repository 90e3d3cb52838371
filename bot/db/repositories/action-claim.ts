import type { Queryable } from '../pool.ts';

/** One tool call an answered question runs, as its step. */
export interface ActionRequest {
  incidentId: number;
  questionId: number;
  step: number;
  tool: string;
  arguments: Record<string, unknown>;
  runbook?: { id: string; solutionId: string };
}

/**
 * What claiming a step found: this caller may run the tool now (`claimed`), or the step was claimed
 * before and ended (`succeeded`, `failed`), or was claimed before and never recorded an end: it was
 * running when a process died, so it may or may not have run, and is now marked `interrupted`.
 */
export type ActionClaim =
  | { kind: 'claimed'; actionId: number }
  | { kind: 'succeeded'; output: string }
  | { kind: 'failed'; error: string }
  | { kind: 'interrupted' };

/**
 * The exactly-once claim of a tool call. The `actions` row for (question, step) is the claim: it is
 * inserted before the tool runs, under a unique index, so two replicas, two channels or a resume after
 * a crash can never run the same step of the same answered question twice. Whoever inserts the row
 * runs the tool; everyone else learns how it ended. A row still `started` belongs to a run that died
 * inside the tool call: it is marked `interrupted` and never run again (the owner is asked instead).
 *
 * The trigger is `auto` when Steward itself decided the question (a promoted runbook), else `approved`.
 */
export async function claimAction(db: Queryable, request: ActionRequest): Promise<ActionClaim> {
  const claimed = await db.query<{ id: string }>(
    `INSERT INTO actions (incident_id, question_id, step, tool, arguments, runbook_id, solution_id, trigger)
     VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE((SELECT CASE WHEN actor = 'steward' THEN 'auto' ELSE 'approved' END FROM decisions WHERE question_id = $2), 'approved'))
     ON CONFLICT (question_id, step) WHERE question_id IS NOT NULL DO NOTHING RETURNING id`,
    [
      request.incidentId,
      request.questionId,
      request.step,
      request.tool,
      request.arguments,
      request.runbook?.id ?? null,
      request.runbook?.solutionId ?? null,
    ],
  );
  if (claimed.rows[0]) return { kind: 'claimed', actionId: Number(claimed.rows[0].id) };
  const earlier = await db.query<{ status: string; result: { output?: string } | null; error: string | null }>(
    'SELECT status, result, error FROM actions WHERE question_id = $1 AND step = $2',
    [request.questionId, request.step],
  );
  const row = earlier.rows[0]!;
  if (row.status === 'succeeded') return { kind: 'succeeded', output: row.result?.output ?? '' };
  if (row.status === 'failed') return { kind: 'failed', error: row.error ?? 'failed' };
  await db.query(
    "UPDATE actions SET status = 'interrupted', finished_at = now() WHERE question_id = $1 AND step = $2 AND status = 'started'",
    [request.questionId, request.step],
  );
  return { kind: 'interrupted' };
}
