import { inert } from './inert-text.ts';

/**
 * What Steward says about a runbook's autonomy beside other messages: why a promoted runbook asks
 * this time (a note of "📋 Solutions found"), and when and how a runbook suggested for promotion
 * would run alone (the parts of "🎓 … has worked", graphs/messages.ts `promotionSuggested`). Runbook
 * ids, label names and the reasons a check gives are outside text here. Pure.
 */

/** A promoted runbook that asks this time instead of running alone, and why. */
export function promotedButAsks(runbookId: string, reason: string): string {
  return `Runbook ${inert(runbookId, 60)} is promoted but asks: ${inert(reason, 300)}.`;
}

/** The labels an argument uses that the trigger does not pin, as the runbook file writes them. */
const labelList = (unpinned: readonly string[]) => unpinned.map((name) => `labels.${inert(name, 60)}`).join(', ');

/** Why a promoted runbook may not run alone: an alert could aim it at anything. */
export function unpinnedArguments(unpinned: readonly string[]): string {
  return `its arguments use ${labelList(unpinned)}, which its trigger does not pin, so an alert could aim it anywhere`;
}

/** When a runbook suggested for promotion would run alone: next time, or once the autonomy mode allows its radius. */
export function promotionWhen(runsAlone: boolean, radius: string, mode: string): string {
  return runsAlone ? 'next time' : `once AUTONOMY_MODE allows ${radius} fixes alone (it is ${mode})`;
}

/** The caveat of a runbook suggested for promotion whose arguments use labels its trigger does not pin. */
export function stillAsksCaveat(unpinned: readonly string[]): string | undefined {
  return unpinned.length > 0
    ? `It would still ask each time: its arguments use ${labelList(unpinned)}, which its trigger does not pin.`
    : undefined;
}
