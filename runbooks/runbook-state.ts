import { createHash } from 'node:crypto';
import type { AutomationLevel, Runbook, Solution } from './runbook-schema.ts';

/** What the database counts for a solution; the rest of a runbook comes from its file. */
export interface SolutionCounters {
  human_selected: number;
  successes: number;
  failures: number;
  last_used: string | undefined;
}

/** A runbook's shared state: its level, the solution promoted, and each solution's counters. */
export interface RunbookState {
  automation_level: AutomationLevel;
  promoted_solution: string | undefined;
  counters: ReadonlyMap<string, SolutionCounters>;
}

const counterFields = ['human_selected', 'successes', 'failures', 'success_rate', 'last_used'] as const;

/** The success rate as the YAML shows it: three decimals, 0 before the first outcome. */
export function successRate(counters: Pick<SolutionCounters, 'successes' | 'failures'>): number {
  const total = counters.successes + counters.failures;
  return total === 0 ? 0 : Math.round((counters.successes / total) * 1000) / 1000;
}

export function countersOf(solution: Solution): SolutionCounters {
  return {
    human_selected: solution.human_selected,
    successes: solution.successes,
    failures: solution.failures,
    last_used: solution.last_used,
  };
}

/** The runbook with the shared level and counters in place of what its file said. Pure. */
export function withState(runbook: Runbook, state: RunbookState): Runbook {
  const shared: Runbook = {
    ...runbook,
    automation_level: state.automation_level,
    promoted_solution: state.promoted_solution,
  };
  // Absent, not undefined: the runbook compares equal to one parsed from a file without the key.
  if (state.promoted_solution === undefined) delete shared.promoted_solution;
  return {
    ...shared,
    solutions: runbook.solutions.map((solution) => {
      const counters = state.counters.get(solution.id);
      if (!counters) return solution;
      const updated: Solution = {
        ...solution,
        human_selected: counters.human_selected,
        successes: counters.successes,
        failures: counters.failures,
        success_rate: successRate(counters),
        last_used: counters.last_used,
      };
      if (counters.last_used === undefined) delete updated.last_used;
      return updated;
    }),
  };
}

/**
 * A digest of what a person decides in a runbook file: the definition (trigger, solutions and their
 * calls, criteria) with its level and promoted solution, counters left out. Formatting and comments
 * do not change it; it is taken of the parsed runbook, keys sorted.
 */
export function definitionDigest(runbook: Runbook): string {
  const definition = { ...runbook, solutions: runbook.solutions.map((solution) => omit(solution, counterFields)) };
  return createHash('sha256').update(canonical(definition)).digest('hex');
}

/**
 * Where a valid file stands against the database: `new` (no such runbook yet), `current` (the same
 * definition and level), `stale` (a definition the database had before: this folder is behind, the
 * file is rewritten) or `edited` (by hand: imported, definition and level; counters stay the database's).
 */
export function fileStanding(
  fileDigest: string,
  database: { digest: string; revisions: ReadonlySet<string> } | undefined,
): 'new' | 'current' | 'stale' | 'edited' {
  if (!database) return 'new';
  if (fileDigest === database.digest) return 'current';
  return database.revisions.has(fileDigest) ? 'stale' : 'edited';
}

function omit<T extends object>(value: T, keys: readonly string[]): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key))) as Partial<T>;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
