import os from 'node:os';
import type { AutomationLevel, Runbook } from '../../runbooks/runbook-schema.ts';
import type { AutonomyMode } from '../config/types.ts';
import { inTransaction, type Pool } from '../db/pool.ts';
import { createAuditLog } from '../db/repositories/audit-log.ts';
import type { RunbookStore } from '../runbooks/runbook-store.ts';

type Write = (text: string) => void;

/** What `promote <id> [solution]` or `demote <id>` asks for, checked against the runbook. */
export type PromotionRequest =
  | { kind: 'change'; runbook: Runbook; level: AutomationLevel; solution: string | undefined }
  | { kind: 'unchanged'; message: string }
  | { kind: 'refused'; message: string };

/**
 * Promote names the solution that will run alone: the one given, or the only one. With several and
 * none given the owner must say which, so that what runs is what they chose (not whichever has the
 * best rate that day).
 */
export function promotionRequest(
  runbook: Runbook,
  verb: 'promote' | 'demote',
  solution: string | undefined,
): PromotionRequest {
  const ids = runbook.solutions.map((candidate) => candidate.id);
  if (verb === 'demote') {
    return runbook.automation_level === 'ask_human'
      ? { kind: 'unchanged', message: `${runbook.id}: already ask_human; nothing changed\n` }
      : { kind: 'change', runbook, level: 'ask_human', solution: undefined };
  }
  if (solution !== undefined && !ids.includes(solution))
    return {
      kind: 'refused',
      message: `runbook ${runbook.id} has no solution ${solution} (it has ${ids.join(', ')})\n`,
    };
  if (solution === undefined && ids.length > 1) {
    return {
      kind: 'refused',
      message: `runbook ${runbook.id} has ${ids.length} solutions: say which one runs on its own, e.g. steward runbooks promote ${runbook.id} ${ids[0]} (it has ${ids.join(', ')})\n`,
    };
  }
  const chosen = solution ?? ids[0]!;
  if (runbook.automation_level === 'auto_notify' && runbook.promoted_solution === chosen) {
    return { kind: 'unchanged', message: `${runbook.id}: already auto_notify with ${chosen}; nothing changed\n` };
  }
  return { kind: 'change', runbook, level: 'auto_notify', solution: chosen };
}

/** Who acted, for the audit log: the account that ran the command. */
export function commandActor(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Changes the runbook and records `runbook.promote` / `runbook.demote` in the audit log, as an
 * answer in chat does (channel `cli`). The entry is inserted first, in a transaction committed only
 * after the file is written: a file that cannot be written leaves no entry, and an entry that cannot
 * be committed puts the file back. Returns the exit code.
 */
export async function applyPromotion(
  change: Extract<PromotionRequest, { kind: 'change' }>,
  deps: { pool: Pool; store: RunbookStore; autonomyMode: AutonomyMode; actor: string; out: Write },
): Promise<number> {
  const { runbook, level, solution } = change;
  let written = false;
  try {
    await inTransaction(deps.pool, async (client) => {
      await createAuditLog(client).record({
        actor: deps.actor,
        channel: 'cli',
        action: level === 'ask_human' ? 'runbook.demote' : 'runbook.promote',
        subject: `runbook:${runbook.id}`,
        outcome: level,
        details: {
          ...(solution ? { solution } : {}),
          previous: runbook.automation_level,
          ...(runbook.promoted_solution ? { previousSolution: runbook.promoted_solution } : {}),
        },
      });
      await deps.store.setAutomationLevel(runbook.id, level, solution);
      written = true;
    });
  } catch (error) {
    // Rolled back already: the file goes back too, so that file and audit log agree.
    if (written) await restore(deps.store, runbook);
    throw error;
  }
  deps.out(
    `${runbook.id}: automation_level ${level}${solution ? ` (${solution} runs on its own${stillAsks(deps.autonomyMode)})` : ''}\n`,
  );
  return 0;
}

/** Puts the level and promoted solution back as they were before a change that could not be audited. */
async function restore(store: RunbookStore, runbook: Runbook): Promise<void> {
  // ask_human first clears promoted_solution, for a runbook that had none.
  if (runbook.promoted_solution === undefined) await store.setAutomationLevel(runbook.id, 'ask_human');
  if (runbook.automation_level !== 'ask_human')
    await store.setAutomationLevel(runbook.id, runbook.automation_level, runbook.promoted_solution);
}

/** `verbose` and `learning` run nothing alone, whatever is promoted: say so rather than let it surprise. */
function stillAsks(mode: AutonomyMode): string {
  return mode === 'verbose' || mode === 'learning'
    ? ` once AUTONOMY_MODE allows it; it is ${mode}, so Steward still asks`
    : ' where AUTONOMY_MODE allows its blast radius';
}
