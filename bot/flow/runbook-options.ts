import type { FlowOption } from '../../graphs/incident/ports.ts';
import { notOfferedNote, partialFitNote, unusableSolution } from '../../graphs/option-notes.ts';
import { actionDigest, type ToolCall } from '../../graphs/tool-call.ts';
import { matchRunbooks, type AlertIdentity } from '../../runbooks/match-runbooks.ts';
import type { Runbook, Solution } from '../../runbooks/runbook-schema.ts';
import { renderArgs } from '../../runbooks/templates.ts';

export type RenderedSolution = { ok: true; calls: (ToolCall & { why: string })[] } | { ok: false; reason: string };

/**
 * A runbook solution's calls for an incident: one per firing alert the runbook's trigger fits (calls
 * that come out the same run once), so a fix for three pods restarts all three. An alert without a
 * label an argument needs makes the solution unusable, with the reason; never a literal template.
 */
export function renderSolution(
  runbook: Runbook,
  solution: Solution,
  targets: readonly AlertIdentity[],
): RenderedSolution {
  const fitting = targets.filter((target) => matchRunbooks([runbook], target).length > 0);
  const calls: (ToolCall & { why: string })[] = [];
  const seen = new Set<string>();
  for (const target of fitting.length > 0 ? fitting : targets.slice(0, 1)) {
    const rendered = renderArgs(solution.args, target.labels);
    if (!rendered.ok) return { ok: false, reason: unusableSolution.missingLabels(rendered.missing) };
    const call = { tool: solution.action, arguments: rendered.args };
    const digest = actionDigest([call]);
    if (seen.has(digest)) continue;
    seen.add(digest);
    const where = ['pod', 'instance', 'service', 'job', 'namespace']
      .map((name) => (target.labels[name] ? `${name}=${target.labels[name]}` : undefined))
      .find(Boolean);
    calls.push({ ...call, why: `for ${target.alertname}${where ? ` ${where}` : ''}` });
  }
  return calls.length > 0 ? { ok: true, calls } : { ok: false, reason: unusableSolution.noAlert };
}

/** A runbook solution as an option: its calls, the runbook's words for it, and its track record. */
export function runbookOption(
  runbook: Runbook,
  solution: Solution,
  calls: readonly (ToolCall & { why: string })[],
): FlowOption {
  return {
    label: solution.description,
    labelSource: { kind: 'runbook', id: runbook.id },
    ...(solution.impact ? { impact: solution.impact } : {}),
    risk: solution.risk,
    reversible: solution.reversible,
    ...(calls.length === 1
      ? { action: { tool: calls[0]!.tool, arguments: calls[0]!.arguments } }
      : { steps: [...calls] }),
    runbook: {
      id: runbook.id,
      solutionId: solution.id,
      successes: solution.successes,
      chosen: solution.human_selected,
    },
  };
}

/** Every solution of the matched runbooks as options, and what to say beside them: options not offered and why, alerts a runbook does not cover. */
export function runbookOptions(
  matched: readonly Runbook[],
  targets: readonly AlertIdentity[],
): { options: FlowOption[]; notes: string[] } {
  const options: FlowOption[] = [];
  const notes: string[] = [];
  for (const runbook of matched) {
    const fitting = targets.filter((target) => matchRunbooks([runbook], target).length > 0).length;
    if (fitting > 0 && fitting < targets.length) notes.push(partialFitNote(runbook.id, fitting, targets.length));
    for (const solution of runbook.solutions) {
      const rendered = renderSolution(runbook, solution, targets);
      if (rendered.ok) options.push(runbookOption(runbook, solution, rendered.calls));
      else notes.push(notOfferedNote(runbook.id, rendered.reason, solution.description));
    }
  }
  return { options, notes };
}
