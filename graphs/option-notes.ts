import { inert } from './inert-text.ts';

/**
 * What Steward says beside an incident's options (the notes of "📋 Solutions found", bot/flow/ decides
 * when): why an option was not offered, a runbook that fits only some alerts, a model asked or not
 * asked after a runbook's fix failed, and why Steward calls it a problem without asking. Runbook ids
 * and descriptions, tool names and the reasons a check gives are outside text here. Pure.
 */

/** A runbook whose trigger fits only some of the incident's firing alerts. */
export function partialFitNote(runbookId: string, fitting: number, firing: number): string {
  return `Runbook ${inert(runbookId, 60)} fits ${fitting} of the ${firing} firing alerts; its fix acts on those only.`;
}

/** A runbook's solution that is not offered, and why (its description, when the note names it). */
export function notOfferedNote(runbookId: string, reason: string, description?: string): string {
  const which = description === undefined ? ',' : `, “${inert(description, 80)}”:`;
  return `Not offered: runbook ${inert(runbookId, 60)}${which} ${inert(reason, 300)}.`;
}

/** Why a runbook's solution cannot be rendered for the incident's alerts (graphs/incident's notes and asks say it). */
export const unusableSolution = {
  missingLabels: (names: readonly string[]) =>
    `an alert has no ${names.map((name) => `label ${inert(name, 60)}`).join(', ')}`,
  noAlert: 'no alert to act on',
} as const;

/** Why a call cannot be put to the owner: what the policy check says of it, or that it is too long to read. */
export const callNotShowable = {
  refused: (tool: string, problem: string) => `${inert(tool, 80)}: ${inert(problem, 300)}`,
  tooLong: (tool: string, characters: number) =>
    `${inert(tool, 80)}: its arguments are too long to show on a question (${characters} characters)`,
} as const;

/** Why Steward calls an incident a problem without a model: runbooks that know it. */
export function knownProblem(runbookIds: readonly string[]): string {
  return `Known problem: runbook ${runbookIds.map((id) => inert(id, 60)).join(', ')}.`;
}

/** Why Steward calls a request typed in chat a problem: the owner asked. */
export const ownerAsked = 'You asked Steward to look into this.';

/** A runbook's fix failed for this incident, so a model was asked for new options. */
export const modelAskedAfterFailure = 'The runbook’s fix failed here: a model was asked for new options.';

/** A model's proposals that were dropped before anyone saw them; `details` names them. */
export function proposalsDropped(count: number): string {
  return `${count} proposal(s) of the model were not offered (policy, schema or length): "details" says which.`;
}
