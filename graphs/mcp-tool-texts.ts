/**
 * The text Steward's MCP tools answer an agent with (bot/mcp-server/): besides the structured result,
 * clients that read only text get these words. Pure.
 */

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

/** The text of `request_approval`'s and `get_approval`'s result: the line, then the outcome as JSON. */
export function approvalResultText(outcome: ApprovalOutcome): string {
  return `${describeOutcome(outcome)}\n${JSON.stringify(outcome)}`;
}

/** Why `request_approval` or `get_approval` did not ask or answer. */
export const approvalRefusals = {
  optionsRepeat: 'options must differ from each other.',
  ttlOutOfRange: 'ttl must be a duration from 1s to 7d, such as 30s, 10m or 2h.',
  detailsTooLong: (maxChars: number) => `details must be at most ${maxChars} characters as JSON.`,
  redlined: (redline: string) =>
    `Refused without asking: the action runs into the redline “${redline}”. Steward never asks its owner about redlined actions.`,
  tooManyOpen: (open: number) =>
    `Not asked: ${open} approvals wait for the owner or were asked in the last minute. Wait for one of them (get_approval) and ask again.`,
  noSuchApproval: (id: number) => `There is no approval ${id}.`,
};

/** The progress notification a waiting `request_approval` sends. */
export function waitingForOwner(id: number): string {
  return `Approval ${id}: waiting for the owner`;
}

/** `get_incident` for an id that does not exist. */
export function noSuchIncident(id: number): string {
  return `There is no incident ${id}.`;
}

/** `get_incident`'s text: the details `details` shows in chat (graphs/incident-details.ts), else the title. */
export function incidentText(details: { title: string; body: string } | undefined, title: string): string {
  return details ? `${details.title}\n\n${details.body}` : title;
}

/** `status`'s text: what `status` answers in chat (graphs/status-message.ts). */
export function statusText(report: { title: string; body: string }): string {
  return `${report.title}\n${report.body}`;
}
