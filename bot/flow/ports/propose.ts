import type { FailedAttempt, FlowOption, IncidentFlowPorts, IncidentSnapshot } from '../../../graphs/incident/ports.ts';
import { noNewOptions } from '../../../graphs/model-unavailable.ts';
import {
  knownProblem,
  modelAskedAfterFailure,
  notOfferedNote,
  proposalsDropped,
} from '../../../graphs/option-notes.ts';
import { genericOptions, proposeSolutions } from '../../llm/propose-solutions.ts';
import type { PortContext } from './context.ts';

type Proposal = Awaited<ReturnType<IncidentFlowPorts['propose']>>;

const genericFlowOptions = (): FlowOption[] =>
  genericOptions.map((generic) => ({ label: generic.label, generic: generic.generic }));

/**
 * The options for an incident. A matched runbook answers without any model, until one of its fixes
 * has failed for this incident: then a model is asked for new options (`deep-analysis`), told what
 * was tried and how it failed, and its options follow the runbook's. Without a model the runbook's
 * options and the safe ones stand, and the question says so. With no runbook, the model proposes.
 * Every option, a runbook's or a model's, is checked against the tools and policy before it is shown.
 */
export function proposePort(context: PortContext): IncidentFlowPorts['propose'] {
  return async (snapshot, request) => {
    const filter = context.optionFilter();
    const known = await context.knownOptions(snapshot.id);
    if (!known) return modelOptions(context, snapshot, request.failed);
    const notes = [...known.notes];
    const kept = known.options.filter((option) => {
      const problem = context.problemShowing(option, filter);
      if (problem) notes.push(notOfferedNote(option.runbook!.id, problem));
      return problem === undefined;
    });
    const diagnosis = knownProblem(known.names);
    if (!request.failed.some((attempt) => attempt.runbook !== undefined))
      return { diagnosis, options: [...kept, ...genericFlowOptions()], notes };
    const fresh = await modelOptions(context, snapshot, request.failed);
    if (fresh.unavailable)
      return {
        diagnosis,
        options: [...kept, ...genericFlowOptions()],
        notes,
        degraded: noNewOptions(fresh.unavailable),
      };
    return {
      diagnosis: fresh.diagnosis,
      options: [...kept, ...fresh.options],
      notes: [...notes, modelAskedAfterFailure, ...(fresh.notes ?? [])],
    };
  };
}

/** The model's options, each checked like a runbook's, then the safe ones; what it said is kept for `details`. */
async function modelOptions(
  context: PortContext,
  snapshot: IncidentSnapshot,
  failed: readonly FailedAttempt[],
): Promise<Proposal & { unavailable?: string }> {
  // The model sees only what may be offered; the filter knows every tool, to say why one may not be.
  const filter = context.optionFilter();
  const proposal = await proposeSolutions(context.llm, filter, {
    incidentId: snapshot.id,
    incident: snapshot.facts,
    tools: context.offerableTools(),
    failed,
  });
  const options: FlowOption[] = [];
  const dropped = [...proposal.dropped];
  for (const offered of proposal.options) {
    if (offered.kind === 'generic') {
      options.push({ label: offered.label, generic: offered.generic });
      continue;
    }
    const { action } = offered;
    const option: FlowOption = {
      label: action.label,
      labelSource: { kind: 'model' },
      impact: action.impact,
      risk: action.risk,
      reversible: action.reversible,
      action: { tool: action.tool, arguments: action.arguments },
    };
    const problem = context.problemShowing(option, filter);
    if (problem) dropped.push({ tool: action.tool, reason: problem });
    else options.push(option);
  }
  if (dropped.length > 0)
    context.logger.warn({ incidentId: snapshot.id, dropped }, 'model proposals dropped before anyone saw them');
  if (!proposal.degraded)
    await context.remember(snapshot.id, {
      diagnosis: proposal.diagnosis,
      ...(dropped.length > 0 ? { dropped } : {}),
    });
  const notes = dropped.length > 0 ? [proposalsDropped(dropped.length)] : [];
  return {
    diagnosis: proposal.diagnosis,
    options,
    notes,
    ...(proposal.degraded ? { degraded: proposal.degraded } : {}),
    ...(proposal.unavailable ? { unavailable: proposal.unavailable } : {}),
  };
}
