import { agentOptionWords } from '../../graphs/agent-approval.ts';
import { describeAnswer } from '../../graphs/questions.ts';
import type { ApprovalOutcome } from '../../graphs/mcp-tool-texts.ts';
import type { AgentApprovalRow } from '../db/repositories/agent-approvals.ts';

export type { ApprovalOutcome, ApprovalStatus } from '../../graphs/mcp-tool-texts.ts';

/**
 * The agent's answer from the stored rows. Option 1 approves, whatever its words; any
 * other answer of the owner's (`ignore`, `snooze`, `custom: …`) is a rejection, with its words as the
 * choice. A question withdrawn by Steward is rejected too: an agent is never left to guess. Pure.
 */
export function approvalOutcome(row: AgentApprovalRow): ApprovalOutcome {
  const base = { id: row.id };
  if (row.decision) {
    const { answer } = row.decision;
    // Option 1 approves, whatever the agent called it; the question marks every option with its meaning.
    const approved = answer.kind === 'option' && answer.option === 1;
    return {
      ...base,
      status: approved ? 'approved' : 'rejected',
      choice: answer.kind === 'option' ? agentOptionWords(answer.label) : describeAnswer(answer),
      by: row.decision.actorName,
      at: row.decision.decidedAt.toISOString(),
    };
  }
  switch (row.questionStatus) {
    case 'open':
      return { ...base, status: 'pending', choice: null, by: null, at: null };
    case 'expired':
      return { ...base, status: 'expired', choice: null, by: null, at: row.closedAt?.toISOString() ?? null };
    default:
      return { ...base, status: 'rejected', choice: null, by: null, at: row.closedAt?.toISOString() ?? null };
  }
}
