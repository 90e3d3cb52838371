import type { OutgoingNotice } from '../../graphs/chat-port.ts';
import { runbookPromoted } from '../../graphs/messages.ts';
import type { Decision, DecisionListener } from '../../graphs/questions.ts';
import type { AutonomyMode } from '../config/types.ts';
import type { Pool } from '../db/pool.ts';
import { createActionRepository } from '../db/repositories/actions.ts';
import { createAuditLog } from '../db/repositories/audit-log.ts';
import { incidentIdentity } from '../runbooks/incident-identity.ts';
import type { RunbookStore } from '../runbooks/runbook-store.ts';
import { mayRunAlone, radiusOf } from '../../runbooks/autonomy.ts';
import { unpinnedLabels } from '../../runbooks/pinned-labels.ts';

/**
 * The answer to "Next time: [Auto] [Ask] [Investigate]" after a fix that worked: Auto promotes the
 * runbook of that fix (never silently: chat hears what it means under the current mode), Ask keeps it
 * asking, Investigate leaves it as it is.
 */
export function createNextTimeAnswers(options: {
  pool: Pool;
  runbooks: RunbookStore;
  autonomyMode: AutonomyMode;
  blastRadius?: Readonly<Record<string, string>>;
  notify: (incidentId: number, notice: OutgoingNotice) => Promise<void>;
}): DecisionListener {
  return {
    async onDecision(decision: Decision) {
      if (decision.incidentId === undefined || decision.answer.kind !== 'option') return;
      const incidentId = decision.incidentId;
      const row = await createActionRepository(options.pool).lastSucceeded(incidentId);
      const alert = row ? await incidentIdentity(options.pool, incidentId) : undefined;
      if (!row || !alert) return;
      const runbook = options.runbooks
        .match(alert)
        .find((candidate) => candidate.solutions.some((solution) => solution.action === row.tool));
      if (!runbook) return;
      const choice = decision.answer.label.toLowerCase();
      // The solution that ran: the one its action row names, else the runbook's solution with its tool.
      const solution =
        runbook.solutions.find((candidate) => candidate.id === row.solutionId) ??
        runbook.solutions.find((candidate) => candidate.action === row.tool)!;
      if (choice === 'auto') {
        await options.runbooks.setAutomationLevel(runbook.id, 'auto_notify', solution.id);
        await createAuditLog(options.pool).record({
          actor: decision.actor,
          channel: decision.channel,
          action: 'runbook.promote',
          subject: `runbook:${runbook.id}`,
          outcome: 'auto_notify',
          details: { incidentId, solution: solution.id },
        });
        const radius = radiusOf(runbook, solution, options.blastRadius ?? {});
        // Promoted, it still asks wherever an alert could aim it: say so now, not at the next alert.
        const autonomy = { mode: options.autonomyMode, runsAlone: mayRunAlone(options.autonomyMode, radius) };
        await options.notify(
          incidentId,
          runbookPromoted({ id: runbook.id, radius }, autonomy, unpinnedLabels(runbook, solution)),
        );
      } else if (choice === 'ask' && runbook.automation_level !== 'ask_human') {
        await options.runbooks.setAutomationLevel(runbook.id, 'ask_human');
        await createAuditLog(options.pool).record({
          actor: decision.actor,
          channel: decision.channel,
          action: 'runbook.demote',
          subject: `runbook:${runbook.id}`,
          outcome: 'ask_human',
          details: { incidentId },
        });
      }
    },
  };
}
