import type { FlowOption, IncidentFlowPorts } from '../../../graphs/incident/ports.ts';
import { asksWhetherProblem } from '../../../runbooks/autonomy.ts';
import { createAlertRepository } from '../../db/repositories/alerts.ts';
import { createIncidentRepository } from '../../db/repositories/incidents.ts';
import { applicationOf } from '../../investigation/application-history.ts';
import { investigate } from '../../investigation/investigate.ts';
import { findingsOf, storedInvestigation, withResult } from '../../investigation/stored-evidence.ts';
import { readOnlyTools } from '../../mcp/read-only-tools.ts';
import { planFromInstruction } from '../../llm/plan-from-instruction.ts';
import { genericOptions, proposeSolutions } from '../../llm/propose-solutions.ts';
import { triageIncident } from '../../llm/triage.ts';
import type { PortContext } from './context.ts';

/**
 * What the flow asks models (or runbooks) for: the first look, the options, and a plan for the
 * owner's `custom:` words. A model only ever proposes: every option is checked against the tools and
 * policy, and shown with its exact calls, before anyone can choose it.
 */
export function researchPorts(
  context: PortContext,
): Pick<IncidentFlowPorts, 'triage' | 'investigate' | 'propose' | 'plan'> {
  return {
    async investigate(snapshot, request) {
      const settings = context.investigation;
      if (!settings?.budget.enabled) return undefined;
      const incident = await createIncidentRepository(context.pool).get(snapshot.id);
      if (!incident) return undefined;
      const before = storedInvestigation(incident.analysis);
      const tools = () =>
        readOnlyTools(
          ['*'],
          context.mcp.tools(),
          { ...context.policy, readOnly: context.policy.readOnly ?? [] },
          (name, args) => context.mcp.call(name, args),
        );
      const result = await investigate(
        {
          budget: settings.budget,
          db: context.pool,
          llm: context.llm,
          tools,
          ...(settings.prometheus ? { prometheus: settings.prometheus } : {}),
          logger: context.logger,
        },
        {
          incidentId: snapshot.id,
          facts: snapshot.facts,
          labels: incident.labels,
          ...(applicationOf(incident.labels) ? { application: applicationOf(incident.labels)! } : {}),
          generatorUrls: await createAlertRepository(context.pool).generatorUrls(snapshot.id, 10),
          earlier: before.evidence,
          // Deep analysis for a critical incident or a fix that did not work (claude-sonnet while its quota lasts).
          deep: request.deep || incident.severity === 'critical',
          // A known problem needs no model to look at it (its runbook answers), only the facts.
          known: (await context.knownOptions(snapshot.id)) !== undefined,
        },
      );
      if (result.evidence.length > 0 || result.diagnosis)
        await context.remember(snapshot.id, { investigation: withResult(before, result) });
      if (result.calls > 0)
        await context.audit.record({
          actor: 'steward',
          channel: 'flow',
          action: 'incident.investigated',
          subject: `incident:${snapshot.id}`,
          outcome: `${result.calls} read-only call(s), ${result.evidence.length} finding(s)`,
        });
      return findingsOf(before, result);
    },

    async triage(snapshot) {
      // The owner asked for this (a request typed in chat that warranted a fix): no "Is this a problem?".
      if ((snapshot.facts as { source?: string }).source === 'manual')
        return { problem: true, reason: 'You asked Steward to look into this.', ask: false };
      // A known problem needs no model to say so.
      const mode = context.autonomyMode;
      const known = await context.knownOptions(snapshot.id);
      if (known)
        return {
          problem: true,
          reason: `Known problem: runbook ${known.names.join(', ')}.`,
          ask: asksWhetherProblem(mode, { known: true }),
        };
      const result = await triageIncident(context.llm, { incidentId: snapshot.id, incident: snapshot.facts });
      if (!result.ok) return { reason: '', degraded: result.degraded, ask: true };
      await context.remember(snapshot.id, { triage: { ...result.triage, model: result.alias } });
      const ask = asksWhetherProblem(mode, {
        known: false,
        problem: result.triage.problem,
        confidence: result.triage.confidence,
      });
      return { problem: result.triage.problem, reason: result.triage.reason, ask };
    },

    async propose(snapshot) {
      // The model sees only what may be offered; the filter knows every tool, to say why one may not be.
      const tools = context.offerableTools();
      const filter = context.optionFilter();
      const known = await context.knownOptions(snapshot.id);
      if (known) {
        // Runbook options first, and without any model call; each is still checked against the tools and policy.
        const notes = [...known.notes];
        const kept = known.options.filter((option) => {
          const problem = context.problemShowing(option, filter);
          if (problem) notes.push(`Not offered: runbook ${option.runbook!.id}, ${problem}.`);
          return problem === undefined;
        });
        return {
          diagnosis: `Known problem: runbook ${known.names.join(', ')}.`,
          options: [...kept, ...genericOptions.map((generic) => ({ label: generic.label, generic: generic.generic }))],
          notes,
        };
      }
      const proposal = await proposeSolutions(context.llm, filter, {
        incidentId: snapshot.id,
        incident: snapshot.facts,
        tools,
      });
      const flowOptions: FlowOption[] = [];
      const dropped = [...proposal.dropped];
      for (const offered of proposal.options) {
        if (offered.kind === 'generic') {
          flowOptions.push({ label: offered.label, generic: offered.generic });
          continue;
        }
        const { action } = offered;
        const option: FlowOption = {
          label: action.label,
          labelSource: { kind: 'model' },
          impact: action.impact,
          risk: action.risk,
          reversible: action.reversible,
          action: { tool: action.tool, arguments: action.arguments },
        };
        const problem = context.problemShowing(option, filter);
        if (problem) dropped.push({ tool: action.tool, reason: problem });
        else flowOptions.push(option);
      }
      if (dropped.length > 0)
        context.logger.warn({ incidentId: snapshot.id, dropped }, 'model proposals dropped before anyone saw them');
      if (!proposal.degraded)
        await context.remember(snapshot.id, {
          diagnosis: proposal.diagnosis,
          ...(dropped.length > 0 ? { dropped } : {}),
        });
      const notes =
        dropped.length > 0
          ? [
              `${dropped.length} proposal(s) of the model were not offered (policy, schema or length): "details" says which.`,
            ]
          : [];
      return {
        diagnosis: proposal.diagnosis,
        options: flowOptions,
        notes,
        ...(proposal.degraded ? { degraded: proposal.degraded } : {}),
      };
    },

    async plan(snapshot, instruction) {
      const tools = context.offerableTools();
      const filter = context.optionFilter();
      const planned = await planFromInstruction(context.llm, filter, {
        incidentId: snapshot.id,
        incident: snapshot.facts,
        instruction,
        tools,
      });
      await context.remember(snapshot.id, {
        plan: planned.ok
          ? { instruction, summary: planned.summary, steps: planned.steps }
          : { instruction, refused: planned.reason },
      });
      if (!planned.ok) return planned;
      const [first] = planned.steps;
      const option: FlowOption = {
        label: planned.summary,
        labelSource: { kind: 'model' },
        ownerWords: instruction,
        steps: planned.steps,
        // One step is an ordinary tool call: it can become a runbook like any other approved fix.
        ...(planned.steps.length === 1 ? { action: { tool: first!.tool, arguments: first!.arguments } } : {}),
      };
      const problem = context.problemShowing(option, filter);
      if (problem) return { ok: false, reason: problem };
      return { ok: true, summary: planned.summary, option };
    },
  };
}
