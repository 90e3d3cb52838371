import { z } from 'zod';
import type { FailedAttempt } from '../../graphs/incident/ports.ts';
import { onlySafeOptions, whyNoModel } from '../../graphs/model-unavailable.ts';
import type { ToolDescription } from '../../graphs/tool-catalog.ts';
import type { createOptionFilter, Dropped, ProposedAction } from './admissible-options.ts';
import type { LlmGateway } from './gateway.ts';
import { toolsForModel } from './tools-for-model.ts';

const proposalSchema = z.object({
  diagnosis: z.string(),
  options: z
    .array(
      z.object({
        label: z.string(),
        tool: z.string(),
        arguments: z.record(z.string(), z.unknown()),
        impact: z.string(),
        risk: z.enum(['low', 'medium', 'high']),
        reversible: z.boolean(),
      }),
    )
    .max(5),
});

export type GenericOption = { kind: 'generic'; generic: 'investigate' | 'snooze' | 'ignore'; label: string };
export type OfferedOption = { kind: 'action'; action: ProposedAction } | GenericOption;

export interface Proposal {
  diagnosis: string;
  options: OfferedOption[];
  /** Set when no model could help: the message says so. */
  degraded?: string;
  /** Why no model could help ("no model was available"), for a caller that says it its own way. */
  unavailable?: string;
  dropped: Dropped[];
}

/** What is always safe to offer, with or without a model. */
export const genericOptions: GenericOption[] = [
  { kind: 'generic', generic: 'investigate', label: 'Investigate: gather logs and metrics, change nothing' },
  { kind: 'generic', generic: 'snooze', label: 'Snooze 1h' },
  { kind: 'generic', generic: 'ignore', label: 'Ignore' },
];

const INSTRUCTIONS =
  'You help the owner of a homelab fix an incident. Propose at most 5 fixes, safest first. Each fix calls exactly one of the tools listed in the task, with arguments that match its input schema. Say what each fix affects (impact), its risk and whether it can be undone.';
const AFTER_FAILURES =
  ' The fixes in failedAttempts (in the data) were tried for this incident and did not work: each says the calls that ran and how they failed (the tool failed, with its error, or the alerts did not resolve). Propose different fixes that the evidence supports; do not propose the same calls again.';

/**
 * Asks the solution model for fixes to an incident, as numbered options that each name one tool.
 * The incident's text goes as data; the model sees which tools exist, but what it answers is only a
 * proposal: tools that do not exist, arguments that do not fit, and anything policy forbids are
 * dropped, and every remaining option still waits for a human. Without a model, the safe generic
 * options stand alone and say why. After fixes failed (`failed`), the model is told what was tried
 * and how it failed, as data beside the incident, and asked for different fixes (`deep-analysis`).
 */
export async function proposeSolutions(
  gateway: LlmGateway,
  filter: ReturnType<typeof createOptionFilter>,
  request: {
    incidentId?: number;
    incident: unknown;
    tools: readonly ToolDescription[];
    failed?: readonly FailedAttempt[];
  },
): Promise<Proposal> {
  const failed = request.failed ?? [];
  const answer = await gateway.ask({
    purpose: failed.length > 0 ? 'deep-analysis' : 'solution',
    ...(request.incidentId !== undefined ? { incidentId: request.incidentId } : {}),
    instructions: failed.length > 0 ? INSTRUCTIONS + AFTER_FAILURES : INSTRUCTIONS,
    data:
      failed.length > 0
        ? { incident: request.incident, failedAttempts: failed.map(attemptForModel) }
        : request.incident,
    task: `Tools you may propose (name, description, input schema):\n${toolsForModel(request.tools)}\n\nAnswer with the diagnosis and the options.`,
    schema: proposalSchema,
  });
  if (!answer.ok) {
    const why = whyNoModel(answer.reason);
    return {
      diagnosis: '',
      options: genericOptions,
      degraded: onlySafeOptions(why),
      unavailable: why,
      dropped: [],
    };
  }
  const { kept, dropped } = filter.filter(answer.value.options);
  return {
    diagnosis: answer.value.diagnosis,
    options: [...kept.map((action) => ({ kind: 'action' as const, action })), ...genericOptions],
    dropped,
  };
}

/** A failed attempt as the model reads it: the calls that ran and how they failed (the error already made inert). */
function attemptForModel(attempt: FailedAttempt) {
  return {
    calls: attempt.calls.map((call) => ({ tool: call.tool, arguments: call.arguments })),
    outcome: attempt.outcome,
    ...(attempt.error ? { error: attempt.error } : {}),
    ...(attempt.runbook ? { runbook: attempt.runbook } : {}),
  };
}
