import { z } from 'zod';
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
  dropped: Dropped[];
}

/** What is always safe to offer, with or without a model. */
export const genericOptions: GenericOption[] = [
  { kind: 'generic', generic: 'investigate', label: 'Investigate: gather logs and metrics, change nothing' },
  { kind: 'generic', generic: 'snooze', label: 'Snooze 1h' },
  { kind: 'generic', generic: 'ignore', label: 'Ignore' },
];

/**
 * Asks the solution model for fixes to an incident, as numbered options that each name one tool.
 * The incident's text goes as data; the model sees which tools exist, but what it answers is only a
 * proposal: tools that do not exist, arguments that do not fit, and anything policy forbids are
 * dropped, and every remaining option still waits for a human. Without a model, the safe generic
 * options stand alone and say why.
 */
export async function proposeSolutions(
  gateway: LlmGateway,
  filter: ReturnType<typeof createOptionFilter>,
  request: { incidentId?: number; incident: unknown; tools: readonly ToolDescription[] },
): Promise<Proposal> {
  const answer = await gateway.ask({
    purpose: 'solution',
    ...(request.incidentId !== undefined ? { incidentId: request.incidentId } : {}),
    instructions:
      'You help the owner of a homelab fix an incident. Propose at most 5 fixes, safest first. Each fix calls exactly one of the tools listed in the task, with arguments that match its input schema. Say what each fix affects (impact), its risk and whether it can be undone.',
    data: request.incident,
    task: `Tools you may propose (name, description, input schema):\n${toolsForModel(request.tools)}\n\nAnswer with the diagnosis and the options.`,
    schema: proposalSchema,
  });
  if (!answer.ok) {
    const why = answer.reason === 'invalid_answer' ? 'the model’s answer could not be used' : 'no model was available';
    return {
      diagnosis: '',
      options: genericOptions,
      degraded: `LLM unavailable (${why}): only the safe options are offered.`,
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
