import { z } from 'zod';
import type { LlmGateway } from './gateway.ts';

const triageSchema = z.object({
  problem: z.boolean(),
  severity: z.enum(['info', 'warning', 'critical']),
  reason: z.string(),
  /** How sure the model is, 0–1: a low value keeps the human asking. */
  confidence: z.number().min(0).max(1),
});

export type Triage = z.infer<typeof triageSchema>;

export type TriageResult = { ok: true; triage: Triage; alias: string } | { ok: false; degraded: string };

/**
 * The first look at an incident: is it a problem, how bad, and why. The incident (alerts, labels,
 * annotations, recent deployments) goes as data. Without a model the flow asks the human plainly.
 */
export async function triageIncident(
  gateway: LlmGateway,
  request: { incidentId?: number; incident: unknown; runbookMatched?: boolean },
): Promise<TriageResult> {
  const answer = await gateway.ask({
    purpose: 'triage',
    ...(request.incidentId !== undefined ? { incidentId: request.incidentId } : {}),
    ...(request.runbookMatched ? { runbookMatched: true } : {}),
    instructions:
      'You triage alerts for the owner of a homelab. Judge whether the incident needs action now, how severe it is, and why, in one or two sentences a tired person can read on a phone.',
    data: request.incident,
    task: 'Is this a problem?',
    schema: triageSchema,
  });
  if (answer.ok) return { ok: true, triage: answer.value, alias: answer.alias };
  if (answer.reason === 'runbook') return { ok: false, degraded: 'a runbook covers this incident' };
  return {
    ok: false,
    degraded: answer.reason === 'invalid_answer' ? 'LLM unavailable (its answer could not be used)' : 'LLM unavailable',
  };
}
