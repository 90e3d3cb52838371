import {
  callsOf,
  type ExecutionResult,
  type FlowOption,
  type IncidentFlowPorts,
} from '../../../graphs/incident/ports.ts';
import { refusedToRun, stepFailed, stepPrefix } from '../../../graphs/execution-texts.ts';
import type { ToolCall } from '../../../graphs/tool-call.ts';
import { claimAction } from '../../db/repositories/action-claim.ts';
import { createActionRepository } from '../../db/repositories/actions.ts';
import { createIncidentRepository } from '../../db/repositories/incidents.ts';
import { checkApprovedCalls } from '../approved-calls.ts';
import { VERIFY_QUEUE } from '../incident-flow.ts';
import type { PortContext } from './context.ts';

/**
 * Running an answered option: only the calls its question showed (the decision's digest), nothing
 * policy forbids now, each step once (the action claim), audited; then the verification window.
 */
export function executePorts(context: PortContext): Pick<IncidentFlowPorts, 'execute' | 'startVerification'> {
  const actions = createActionRepository(context.pool);

  /** One tool call of an answered question, at most once (bot/db/repositories/action-claim.ts). */
  async function runStep(
    incidentId: number,
    questionId: number,
    step: number,
    call: ToolCall,
    runbook: FlowOption['runbook'],
  ): Promise<ExecutionResult> {
    const claim = await claimAction(context.pool, {
      incidentId,
      questionId,
      step,
      tool: call.tool,
      arguments: call.arguments,
      ...(runbook ? { runbook: { id: runbook.id, solutionId: runbook.solutionId } } : {}),
    });
    if (claim.kind === 'succeeded') return { status: 'succeeded', output: claim.output };
    if (claim.kind === 'failed') return { status: 'failed', error: claim.error };
    if (claim.kind === 'interrupted') return { status: 'interrupted' };
    const result = await context.mcp.call(call.tool, call.arguments);
    // The execution is in the audit trail beside the decision that led to it (steward runs the tool either way).
    const executed = {
      actor: 'steward',
      channel: 'mcp',
      action: 'tool.run',
      subject: `incident:${incidentId}`,
      details: {
        tool: call.tool,
        arguments: call.arguments,
        questionId,
        step,
        ...(runbook ? { runbook: runbook.id } : {}),
      },
    };
    if (result.ok) {
      await actions.finish(claim.actionId, { status: 'succeeded', output: result.text });
      await context.audit.record({ ...executed, outcome: `succeeded: ${call.tool}` });
      return { status: 'succeeded', output: result.text };
    }
    await actions.finish(claim.actionId, { status: 'failed', error: `${result.kind}: ${result.error}` });
    await context.audit.record({ ...executed, outcome: `failed: ${call.tool} (${result.kind})` });
    return { status: 'failed', error: result.error };
  }

  return {
    async execute(incidentId, questionId, option): Promise<ExecutionResult> {
      const calls = callsOf(option);
      if (calls.length === 0) return { status: 'refused', reason: refusedToRun.noTool };
      // What runs is what the answered question showed, or nothing: the decision's digest is of those calls.
      const approved = await checkApprovedCalls(context.pool, questionId, calls);
      if (!approved.ok) {
        await context.audit.record({
          actor: 'steward',
          channel: 'flow',
          action: 'tool.refused',
          subject: `incident:${incidentId}`,
          outcome: `not run: ${approved.reason}`,
          details: { questionId, calls },
        });
        context.logger.error(
          { incidentId, questionId, reason: approved.reason },
          'calls that differ from what was approved were not run',
        );
        return { status: 'refused', reason: refusedToRun.notApproved(approved.reason) };
      }
      // Policy is checked again at the last moment, for every step before the first runs: whatever
      // was answered, a redlined tool never runs, and a plan never runs half.
      const filter = context.optionFilter();
      for (const call of calls) {
        const refused = filter.problemWith(call);
        if (refused) return { status: 'refused', reason: refusedToRun.policy(call.tool, refused) };
      }
      const outputs: string[] = [];
      for (const [step, call] of calls.entries()) {
        const result = await runStep(incidentId, questionId, step, call, option.runbook);
        const where = stepPrefix(step, calls.length, call.tool);
        if (result.status === 'succeeded') {
          outputs.push(`${where}${result.output}`);
          continue;
        }
        if (result.status === 'failed') return { status: 'failed', error: stepFailed(where, step, result.error) };
        return result;
      }
      return { status: 'succeeded', output: outputs.join('\n') };
    },

    async startVerification(incidentId) {
      await createIncidentRepository(context.pool).markVerifying(incidentId);
      await context.coordination.schedule(
        VERIFY_QUEUE,
        String(incidentId),
        new Date(Date.now() + context.verifyWindowMs),
      );
    },
  };
}
