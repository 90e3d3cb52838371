import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { DEFAULT_APPROVAL_OPTIONS } from '../../graphs/agent-approval.ts';
import { parseDuration } from '../../graphs/durations.ts';
import { approvalRefusals, approvalResultText, waitingForOwner } from '../../graphs/mcp-tool-texts.ts';
import type { AgentApprovals } from './agent-approvals.ts';
import type { ApprovalOutcome } from './approval-outcome.ts';

const MIN_TTL_MS = 1_000;
const MAX_TTL_MS = 7 * 86_400_000;
const MAX_DETAILS_CHARS = 8_000;

const outcomeShape = {
  id: z.number().int().describe('The approval id, for get_approval'),
  status: z.enum(['approved', 'rejected', 'expired', 'pending']),
  choice: z
    .string()
    .nullable()
    .describe('The option the owner chose (its label), or their other answer; null until decided'),
  by: z.string().nullable().describe('Who decided, as their chat platform names them'),
  at: z.string().nullable().describe('When it was decided or expired (ISO 8601)'),
};

/** What an agent's session knows about itself and the service. */
export interface ApprovalSession {
  /** The client's name from its initialize request. */
  clientName(): string;
  /** Aborted when Steward shuts down: waiting calls return what they have. */
  closing: AbortSignal;
  /** How often a waiting call sends a progress notification. */
  progressEveryMs: number;
}

function result(outcome: ApprovalOutcome) {
  return {
    content: [{ type: 'text' as const, text: approvalResultText(outcome) }],
    structuredContent: { ...outcome },
  };
}

function refusal(text: string) {
  return { isError: true, content: [{ type: 'text' as const, text }] };
}

/** `request_approval` and `get_approval`, on one session's server. */
export function registerApprovalTools(server: McpServer, approvals: AgentApprovals, session: ApprovalSession): void {
  server.registerTool(
    'request_approval',
    {
      title: 'Ask the owner for approval',
      description:
        'Asks Steward’s owner, on their chat channels, to approve an action before you take it. The owner sees your client name, the title, the action and the details, and answers with a numbered option. ' +
        'With wait (the default) the call returns once they decide or the question expires, sending progress notifications meanwhile; otherwise it returns at once with the id for get_approval. ' +
        'Proceed only when status is "approved". Redlined actions (deleting, wiping, formatting …) are refused without asking.',
      inputSchema: {
        title: z.string().min(1).max(200).describe('What you want to do, in a few words'),
        // No longer than the question shows it: the owner approves all of it or none.
        action: z
          .string()
          .min(1)
          .max(600)
          .describe('The exact command or call you will run if approved (at most 600 characters)'),
        details: z
          .record(z.string(), z.unknown())
          .optional()
          .describe('Evidence and context, shown to the owner as data'),
        options: z
          .array(z.string().min(1).max(80))
          .min(2)
          .max(9)
          .optional()
          .describe(
            'The answers to offer, in order (default ["Approve", "Reject"]); the first approves, every other one rejects',
          ),
        ttl: z
          .string()
          .optional()
          .describe('How long to wait for an answer, e.g. "10m" (default: Steward’s APPROVAL_TTL)'),
        wait: z.boolean().optional().describe('Wait for the decision (default true)'),
      },
      outputSchema: outcomeShape,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    async (args, extra) => {
      const options = args.options ?? [...DEFAULT_APPROVAL_OPTIONS];
      if (new Set(options.map((option) => option.trim().toLowerCase())).size !== options.length)
        return refusal(approvalRefusals.optionsRepeat);
      const ttlMs = args.ttl === undefined ? undefined : parseDuration(args.ttl);
      if (args.ttl !== undefined && (ttlMs === undefined || ttlMs < MIN_TTL_MS || ttlMs > MAX_TTL_MS))
        return refusal(approvalRefusals.ttlOutOfRange);
      if (args.details !== undefined && JSON.stringify(args.details).length > MAX_DETAILS_CHARS)
        return refusal(approvalRefusals.detailsTooLong(MAX_DETAILS_CHARS));

      const asked = await approvals.request({
        agent: session.clientName(),
        title: args.title,
        action: args.action,
        details: args.details,
        options,
        ttlMs,
      });
      if (asked.outcome === 'refused') return refusal(approvalRefusals.redlined(asked.redline));
      if (asked.outcome === 'too many open') return refusal(approvalRefusals.tooManyOpen(asked.open));
      if (args.wait === false) return result((await approvals.get(asked.id))!);

      const token = extra._meta?.progressToken;
      const progress = async (waitedMs: number) => {
        if (token === undefined) return;
        await extra.sendNotification({
          method: 'notifications/progress',
          params: {
            progressToken: token,
            progress: waitedMs / 1000,
            message: waitingForOwner(asked.id),
          },
        });
      };
      await progress(0);
      const outcome = await approvals.waitFor(asked.id, {
        signal: AbortSignal.any([extra.signal, session.closing]),
        onWaiting: progress,
        everyMs: session.progressEveryMs,
      });
      return result(outcome!);
    },
  );

  server.registerTool(
    'get_approval',
    {
      title: 'Look up an approval',
      description:
        'The state of an approval request_approval made: pending, approved, rejected or expired, with the choice, who decided and when.',
      inputSchema: { id: z.number().int().positive().describe('The id request_approval returned') },
      outputSchema: outcomeShape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) => {
      const outcome = await approvals.get(args.id);
      return outcome ? result(outcome) : refusal(approvalRefusals.noSuchApproval(args.id));
    },
  );
}
