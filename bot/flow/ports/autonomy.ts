import { callsOf, type IncidentFlowPorts } from '../../../graphs/incident/ports.ts';
import { promotedButAsks, promotionWhen, stillAsksCaveat, unpinnedArguments } from '../../../graphs/autonomy-notes.ts';
import { autoRunTitle, promotionSuggested, runbookDemoted } from '../../../graphs/messages.ts';
import { actionDigest, describeCall } from '../../../graphs/tool-call.ts';
import { isStandardChange, loudness, mayRunAlone, maySuggest, radiusOf } from '../../../runbooks/autonomy.ts';
import { promotionDue } from '../../../runbooks/learning.ts';
import { unpinnedLabels } from '../../../runbooks/pinned-labels.ts';
import { learnedFromIncident, runbookFromFix } from '../../../runbooks/runbook-from-fix.ts';
import { createDecisionRepository } from '../../db/repositories/decisions.ts';
import { createQuestionRepository } from '../../db/repositories/questions.ts';
import { incidentTargets } from '../../runbooks/incident-identity.ts';
import { renderSolution, runbookOption } from '../runbook-options.ts';
import type { PortContext } from './context.ts';

/**
 * Autonomy earned and lost: a promoted runbook that may run alone (under the mode, on targets its
 * trigger pins) is decided by Steward, recorded like a person's answer; one that fails is demoted;
 * every verified or failed choice updates its runbook, and a working fix from a model becomes one.
 */
export function autonomyPorts(context: PortContext): Pick<IncidentFlowPorts, 'autoFix' | 'demote' | 'learn'> {
  const questions = createQuestionRepository(context.pool);
  const decisions = createDecisionRepository(context.pool);
  return {
    async autoFix(snapshot, run) {
      const mode = context.autonomyMode;
      const alert = await context.identity(snapshot.id);
      if (!alert) return undefined;
      const promoted = context.runbooks.match(alert).filter((runbook) => runbook.automation_level !== 'ask_human');
      if (promoted.length === 0) return undefined;
      const targets = await incidentTargets(context.pool, snapshot.id);
      const filter = context.optionFilter();
      const declined: string[] = [];
      for (const runbook of promoted) {
        // The solution the owner promoted (`steward runbooks promote <id> <solution>`), else the best record.
        const solution =
          runbook.solutions.find((candidate) => candidate.id === runbook.promoted_solution) ??
          [...runbook.solutions].sort((a, b) => b.success_rate - a.success_rate)[0]!;
        const radius = radiusOf(runbook, solution, context.policy.blastRadius ?? {});
        if (!mayRunAlone(mode, radius)) continue; // the mode does not trust this much on its own: ask
        // Autonomy is earned per target: an alert may not aim a fix at what the trigger does not pin.
        const unpinned = unpinnedLabels(runbook, solution);
        if (unpinned.length > 0) {
          declined.push(promotedButAsks(runbook.id, unpinnedArguments(unpinned)));
          continue;
        }
        const rendered = renderSolution(runbook, solution, targets);
        if (!rendered.ok) {
          declined.push(promotedButAsks(runbook.id, rendered.reason));
          continue;
        }
        const option = runbookOption(runbook, solution, rendered.calls);
        const problem = context.problemShowing(option, filter);
        if (problem) {
          declined.push(promotedButAsks(runbook.id, problem));
          continue;
        }
        const level = loudness(mode, runbook.automation_level, isStandardChange(solution, radius));
        const calls = callsOf(option);
        // The choice is recorded like a human's, decided by Steward: the question shows the calls, the
        // decision holds their digest (the runner checks it), and the audit trail says why.
        const question = await questions.insertAnswered({
          incidentId: snapshot.id,
          askKey: `auto:${run}`,
          title: autoRunTitle(runbook.id),
          options: [
            { number: 1, label: solution.description, labelSource: { kind: 'runbook', id: runbook.id }, calls },
          ],
        });
        const digest = actionDigest(calls);
        const decided = await decisions.recordAutomatic({
          questionId: question,
          answer: { kind: 'option', option: 1, label: solution.description },
          actorName: `runbook ${runbook.id}`,
          actionDigest: digest,
        });
        if (decided) {
          await context.audit.record({
            actor: 'steward',
            channel: 'autonomy',
            action: 'question.answer',
            subject: `incident:${snapshot.id}`,
            outcome: `1. ${solution.description}`,
            details: { runbook: runbook.id, solution: solution.id, level, radius, mode, calls, actionDigest: digest },
          });
        }
        return { option, questionId: question, level };
      }
      return declined.length > 0 ? { asks: declined.join(' ') } : undefined;
    },

    async demote(incidentId, option) {
      if (!option.runbook) return;
      await context.runbooks.setAutomationLevel(option.runbook.id, 'ask_human');
      await context.audit.record({
        actor: 'steward',
        channel: 'autonomy',
        action: 'runbook.demote',
        subject: `runbook:${option.runbook.id}`,
        outcome: 'ask_human',
        details: { incidentId },
      });
      await context.notify(
        incidentId,
        runbookDemoted(option.runbook.id, callsOf(option)),
        `demote:${option.runbook.id}`,
      );
    },

    async learn(incidentId, questionId, option, succeeded) {
      if (!(await context.coordination.claimOnce(`learned:${questionId}`, 90 * 86_400_000))) return;
      if (option.runbook) {
        const runbook = await context.runbooks.recordOutcome(option.runbook.id, option.runbook.solutionId, succeeded);
        const solution = runbook?.solutions.find((candidate) => candidate.id === option.runbook!.solutionId);
        const radius = runbook && solution ? radiusOf(runbook, solution, context.policy.blastRadius ?? {}) : undefined;
        if (
          runbook &&
          solution &&
          radius &&
          promotionDue(runbook, solution) &&
          maySuggest(context.autonomyMode, radius)
        ) {
          const when = promotionWhen(mayRunAlone(context.autonomyMode, radius), radius, context.autonomyMode);
          const caveat = stillAsksCaveat(unpinnedLabels(runbook, solution));
          await context.notify(
            incidentId,
            promotionSuggested(
              {
                id: runbook.id,
                description: solution.description,
                successes: solution.successes,
                chosen: solution.human_selected,
                radius,
                risk: solution.risk,
                reversible: solution.reversible,
              },
              when,
              caveat,
            ),
            `promotion:${runbook.id}:${solution.id}:${solution.human_selected}`,
          );
        }
        return;
      }
      if (!succeeded) return;
      if (!option.action) {
        // A runbook solution is one tool call; a plan of several stays in the audit trail only.
        if (option.steps)
          context.logger.info(
            { incidentId, steps: option.steps.length },
            'a plan of several steps worked; not written as a runbook',
          );
        return;
      }
      const alert = await context.identity(incidentId);
      if (!alert) return;
      const facts = {
        ...(option.ownerWords ? { ownerWords: option.ownerWords } : {}),
        ...(option.impact ? { impact: option.impact } : {}),
        ...(option.risk ? { risk: option.risk } : {}),
        ...(option.reversible !== undefined ? { reversible: option.reversible } : {}),
      };
      const created = await context.runbooks.create(
        runbookFromFix(alert, option.action, facts, describeCall),
        learnedFromIncident(incidentId),
      );
      context.logger.info({ incidentId, runbook: created.id }, 'runbook written from an approved fix');
    },
  };
}
