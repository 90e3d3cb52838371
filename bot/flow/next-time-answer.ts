import type { OutgoingNotice } from '../../graphs/chat-port.ts';
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
export function createNextTimeAnswers(options: { pool: Pool; runbooks: RunbookStore; autonomyMode: AutonomyMode; blastRadius?: Readonly<Record<string, string>>; notify: (incidentId: number, notice: OutgoingNotice) => Promise<void> }): DecisionListener {
  return {
    async onDecision(decision: Decision) {
      if (decision.incidentId === undefined || decision.answer.kind !== 'option') return;
      const incidentId = decision.incidentId;
      const row = await createActionRepository(options.pool).lastSucceeded(incidentId);
      const alert = row ? await incidentIdentity(options.pool, incidentId) : undefined;
      if (!row || !alert) return;
      const runbook = options.runbooks.match(alert).find((candidate) => candidate.solutions.some((solution) => solution.action === row.tool));
      if (!runbook) return;
      const choice = decision.answer.label.toLowerCase();
      // The solution that ran: the one its action row names, else the runbook's solution with its tool.
      const solution = runbook.solutions.find((candidate) => candidate.id === row.solutionId) ?? runbook.solutions.find((candidate) => candidate.action === row.tool)!;
      if (choice === 'auto') {
        await options.runbooks.setAutomationLevel(runbook.id, 'auto_notify', solution.id);
        await createAuditLog(options.pool).record({ actor: decision.actor, channel: decision.channel, action: 'runbook.promote', subject: `runbook:${runbook.id}`, outcome: 'auto_notify', details: { incidentId, solution: solution.id } });
        const radius = radiusOf(runbook, solution, options.blastRadius ?? {});
        const when = mayRunAlone(options.autonomyMode, radius)
          ? 'next time, and tell you afterwards'
          : `once AUTONOMY_MODE lets ${radius} fixes run alone (it is ${options.autonomyMode}: see the autonomy modes in docs/incident-flow.md); until then it asks`;
        // Promoted, it still asks wherever an alert could aim it: say so now, not at the next alert.
        const unpinned = unpinnedLabels(runbook, solution);
        const caveat = unpinned.length > 0 ? ` It will still ask each time, though: its arguments use ${unpinned.map((name) => `labels.${name}`).join(', ')}, which its trigger does not pin.` : '';
        await options.notify(incidentId, { kind: 'notice', title: `⬆️ Runbook ${runbook.id} is promoted`, body: `It will run on its own ${when}. If it ever fails, it goes back to asking.${caveat}` });
      } else if (choice === 'ask' && runbook.automation_level !== 'ask_human') {
        await options.runbooks.setAutomationLevel(runbook.id, 'ask_human');
        await createAuditLog(options.pool).record({ actor: decision.actor, channel: decision.channel, action: 'runbook.demote', subject: `runbook:${runbook.id}`, outcome: 'ask_human', details: { incidentId } });
      }
    },
  };
}
