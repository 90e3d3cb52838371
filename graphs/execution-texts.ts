import { inert } from './inert-text.ts';

/**
 * Why an answered option did not run, or how far its plan got (the reason "❌ #12: … was not run"
 * and "… failed" show, graphs/messages.ts `actionNotDone`). Tool names, a check's reasons and a tool's
 * error and output are outside text here. Pure.
 */

/** Why the calls about to run are not what the owner approved (bot/flow/approved-calls.ts checks). */
export const notApproved = {
  nobody: 'nobody approved it',
  noOption: 'the answer chose no option',
  noCall: 'the approved option showed no call to run',
  questionChanged: 'the approved question no longer holds what was approved',
  callsDiffer: 'it is not what the approved option showed',
} as const;

/** An answered option that was refused before anything ran. */
export const refusedToRun = {
  noTool: 'This option runs no tool.',
  notApproved: (reason: string) => `Nothing was run: ${inert(reason, 300)}.`,
  policy: (tool: string, problem: string) => `${inert(tool, 80)} was not run: ${inert(problem, 300)}.`,
} as const;

/** A step of a plan of several, before its output or error: "step 2 of 3 (restart_pod): ". */
export function stepPrefix(step: number, steps: number, tool: string): string {
  return steps > 1 ? `step ${step + 1} of ${steps} (${inert(tool, 80)}): ` : '';
}

/** A step that failed (after `stepPrefix`), its error, and which steps ran before it. */
export function stepFailed(prefix: string, step: number, error: string): string {
  // Capped loosely: what shows it (actionNotDone, a failed attempt's note) caps it again, shorter.
  return `${prefix}${inert(error, 1000)}${step > 0 ? ` (steps 1–${step} ran)` : ''}`;
}
