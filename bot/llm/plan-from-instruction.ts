import { z } from 'zod';
import type { ToolDescription } from '../../graphs/tool-catalog.ts';
import type { createOptionFilter } from './admissible-options.ts';
import type { LlmGateway } from './gateway.ts';
import { toolsForModel } from './tools-for-model.ts';

const planSchema = z.object({
  summary: z.string(),
  steps: z
    .array(
      z.object({
        tool: z.string(),
        arguments: z.record(z.string(), z.unknown()),
        why: z.string(),
      }),
    )
    .max(5),
});

export interface PlanStep {
  tool: string;
  arguments: Record<string, unknown>;
  why: string;
}

export type PlanResult = { ok: true; summary: string; steps: PlanStep[] } | { ok: false; reason: string };

/**
 * `custom: <instruction>`: the owner's words become a plan of tool calls, in order. The plan is all or
 * nothing: a step on a tool that does not exist, with arguments that do not fit, or that policy
 * forbids makes the whole plan unusable (the steps after it may depend on it), and the owner is told
 * which step and why. A usable plan is only shown: it runs after an explicit approval.
 */
export async function planFromInstruction(
  gateway: LlmGateway,
  filter: ReturnType<typeof createOptionFilter>,
  request: { incidentId?: number; incident: unknown; instruction: string; tools: readonly ToolDescription[] },
): Promise<PlanResult> {
  const answer = await gateway.ask({
    purpose: 'solution',
    ...(request.incidentId !== undefined ? { incidentId: request.incidentId } : {}),
    instructions:
      'You turn the homelab owner’s instruction into a short plan of tool calls that carries it out for the incident in the data, in the order they must run. Use only the tools listed in the task, with arguments that match their input schemas; at most 5 steps. Say in one line per step why it is needed. If the instruction cannot be done with these tools, answer with no steps and say why in the summary.',
    data: request.incident,
    task: `The owner's instruction: ${JSON.stringify(request.instruction)}\n\nTools (name, description, input schema):\n${toolsForModel(request.tools)}\n\nAnswer with a one-line summary and the steps.`,
    schema: planSchema,
  });
  if (!answer.ok)
    return {
      ok: false,
      reason: answer.reason === 'invalid_answer' ? 'the model’s answer could not be used' : 'no model was available',
    };
  const { summary, steps } = answer.value;
  if (steps.length === 0)
    return { ok: false, reason: summary || 'the model found no way to do it with the tools available' };
  for (const [index, step] of steps.entries()) {
    const problem = filter.problemWith(step);
    if (problem) return { ok: false, reason: `step ${index + 1} (${step.tool}) cannot run: ${problem}` };
  }
  return { ok: true, summary, steps };
}
