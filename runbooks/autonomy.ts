import { blastRadii, type Runbook, type Solution } from './runbook-schema.ts';

export const autonomyModes = ['verbose', 'learning', 'selective', 'mature'] as const;
export type AutonomyMode = (typeof autonomyModes)[number];
export type BlastRadius = (typeof blastRadii)[number];

/**
 * What each autonomy mode lets Steward do alone. Pure: the flow asks these questions, the answers
 * only depend on the mode, the runbook's record and the owner's policy.
 *
 * | mode      | "Is this a problem?"      | runs alone                         | suggests (promotion) up to |
 * |-----------|---------------------------|------------------------------------|----------------------------|
 * | verbose   | always                    | nothing                            | nothing                    |
 * | learning  | new, unclear patterns     | nothing                            | namespace                  |
 * | selective | new, unclear patterns     | promoted, up to namespace, notice  | namespace                  |
 * | mature    | new, unclear patterns     | promoted, up to node; standard     | node                       |
 * |           |                           | changes silently (weekly report)   |                            |
 *
 * A `cluster`-wide fix never runs alone in any mode.
 */
const modes: Record<
  AutonomyMode,
  { runsUpTo: BlastRadius | undefined; suggestsUpTo: BlastRadius | undefined; asksAlways: boolean }
> = {
  verbose: { runsUpTo: undefined, suggestsUpTo: undefined, asksAlways: true },
  learning: { runsUpTo: undefined, suggestsUpTo: 'namespace', asksAlways: false },
  selective: { runsUpTo: 'namespace', suggestsUpTo: 'namespace', asksAlways: false },
  mature: { runsUpTo: 'node', suggestsUpTo: 'node', asksAlways: false },
};

/** How confident triage must be that a new pattern is a problem before the first question is skipped. */
export const CONFIDENT_TRIAGE = 0.8;

/** How much a solution can break: the owner's policy for its tool first, else what the runbook declares. */
export function radiusOf(runbook: Runbook, solution: Solution, policy: Readonly<Record<string, string>>): BlastRadius {
  const fromPolicy = policy[solution.action] ?? policy[solution.action.split('.').at(-1)!];
  return (blastRadii as readonly string[]).includes(fromPolicy ?? '')
    ? (fromPolicy as BlastRadius)
    : runbook.promotion_criteria.blast_radius;
}

function within(radius: BlastRadius, limit: BlastRadius | undefined): boolean {
  return limit !== undefined && blastRadii.indexOf(radius) <= blastRadii.indexOf(limit);
}

/** Whether a promoted solution of this radius may run without asking under the mode. */
export function mayRunAlone(mode: AutonomyMode, radius: BlastRadius): boolean {
  return within(radius, modes[mode].runsUpTo);
}

/** Whether the mode offers promotion ("looks standard") for a solution of this radius. */
export function maySuggest(mode: AutonomyMode, radius: BlastRadius): boolean {
  return within(radius, modes[mode].suggestsUpTo);
}

/** A standard change: one pod, low risk, undoable. In `mature` mode these run without a notice. */
export function isStandardChange(solution: Solution, radius: BlastRadius): boolean {
  return radius === 'single_pod' && solution.risk === 'low' && solution.reversible;
}

/** How loudly a promoted runbook runs: `selective` always tells at once; `mature` is silent for standard changes and `auto_silent` runbooks. */
export function loudness(
  mode: AutonomyMode,
  level: Runbook['automation_level'],
  standard: boolean,
): 'auto_notify' | 'auto_silent' {
  if (mode === 'mature' && (level === 'auto_silent' || standard)) return 'auto_silent';
  return 'auto_notify';
}

/**
 * Whether the flow asks "Is this a problem?" before researching fixes. `verbose` always asks; the
 * other modes skip it for a known pattern (a runbook matches) and for a new one that triage is
 * confident is a problem, and still ask when triage doubts, failed, or says it is not a problem.
 */
export function asksWhetherProblem(
  mode: AutonomyMode,
  evidence: { known: boolean; problem?: boolean; confidence?: number },
): boolean {
  if (modes[mode].asksAlways) return true;
  if (evidence.known) return false;
  return !(evidence.problem === true && (evidence.confidence ?? 0) >= CONFIDENT_TRIAGE);
}
