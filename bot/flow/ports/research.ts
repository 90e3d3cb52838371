import type { FlowOption, IncidentFlowPorts } from '../../../graphs/incident/ports.ts';
import { knownProblem, ownerAsked } from '../../../graphs/option-notes.ts';
import { asksWhetherProblem } from '../../../runbooks/autonomy.ts';
import { createAlertRepository } from '../../db/repositories/alerts.ts';
import { createIncidentRepository } from '../../db/repositories/incidents.ts';
import { applicationOf } from '../../investigation/application-history.ts';
import { investigate } from '../../investigation/investigate.ts';
import { findingsOf, storedInvestigation, withResult } from '../../investigation/stored-evidence.ts';
import { readOnlyTools } from '../../mcp/read-only-tools.ts';
import { planFromInstruction } from '../../llm/plan-from-instruction.ts';
import { triageIncident } from '../../llm/triage.ts';
import type { PortContext } from './context.ts';
import { proposePort } from './propose.ts';

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
        return { problem: true, reason: ownerAsked, ask: false };
      // A known problem needs no model to say so.
      const mode = context.autonomyMode;
      const known = await context.knownOptions(snapshot.id);
      if (known)
        return {
          problem: true,
          reason: knownProblem(known.names),
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

    propose: proposePort(context),

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
