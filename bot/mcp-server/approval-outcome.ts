import { describeAnswer } from '../../graphs/questions.ts';
import type { AgentApprovalRow } from '../db/repositories/agent-approvals.ts';

export type ApprovalStatus = 'approved' | 'rejected' | 'expired' | 'pending';

/** What `request_approval` and `get_approval` answer an agent. */
export interface ApprovalOutcome {
  id: number;
  status: ApprovalStatus;
  /** The chosen option's label, or the owner's other answer (`ignore`, `custom: …`); null until decided. */
  choice: string | null;
  /** The approver's name as their chat platform gives it; null unless decided by a person. */
  by: string | null;
  /** When it was decided or expired (ISO 8601); null while pending. */
  at: string | null;
}

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
      choice: answer.kind === 'option' ? agentWords(answer.label) : describeAnswer(answer),
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

/** The outcome as one line of text, for clients that read only the text content. */
export function describeOutcome(outcome: ApprovalOutcome): string {
  switch (outcome.status) {
    case 'pending':
      return `Approval ${outcome.id} is pending: nobody has answered yet.`;
    case 'expired':
      return `Approval ${outcome.id} expired: nobody answered in time. Do not proceed.`;
    case 'approved':
      return `Approval ${outcome.id} approved by ${outcome.by ?? 'the owner'}: ${outcome.choice ?? ''}.`;
    case 'rejected':
      return `Approval ${outcome.id} rejected${outcome.by ? ` by ${outcome.by}` : ''}${outcome.choice ? `: ${outcome.choice}` : ''}. Do not proceed.`;
  }
}

/** An option's label as the agent wrote it, without the meaning Steward marked it with. */
function agentWords(label: string): string {
  return label.replace(/ \((approves|rejects)\)$/, '');
}
