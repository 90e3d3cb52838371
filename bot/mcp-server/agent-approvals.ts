import {
  AGENT_APPROVAL_KIND,
  agentApprovalQuestion,
  redlineInRequest,
  type AgentApprovalRequest,
} from '../../graphs/agent-approval.ts';
import { inert } from '../../graphs/inert-text.ts';
import type { DecisionListener } from '../../graphs/questions.ts';
import type { ToolPolicy } from '../../graphs/tool-catalog.ts';
import type { QuestionDesk } from '../chat/question-desk.ts';
import type { Pool } from '../db/pool.ts';
import { createAgentApprovalRepository } from '../db/repositories/agent-approvals.ts';
import { createAuditLog } from '../db/repositories/audit-log.ts';
import { approvalOutcome, type ApprovalOutcome } from './approval-outcome.ts';

export interface AgentApprovalsDeps {
  pool: Pool;
  desk: Pick<QuestionDesk, 'ask'>;
  /** The same redlines as the incident flow's (STEWARD_CONFIG policy), with the defaults. */
  policy: ToolPolicy;
  /** APPROVAL_TTL: how long a question waits when the agent names no time. */
  defaultTtlMs: number;
  /** How often a waiting call looks at the database (another replica may decide or expire it). */
  pollMs?: number;
  /**
   * Agents' approvals open at once, or asked in the last minute; more are refused, so that no agent can
   * flood the owner's chat.
   */
  maxOpen?: number;
}

/** Approvals asked this recently count against the cap even when already answered or expired. */
const CAP_WINDOW_SECONDS = 60;

class CapReached extends Error {
  constructor(readonly open: number) {
    super(`${open} agent approvals already count against the cap`);
  }
}

export type ApprovalRequestResult =
  | { outcome: 'asked'; id: number }
  | { outcome: 'refused'; redline: string }
  | { outcome: 'too many open'; open: number };

export interface WaitOptions {
  /** Ends the wait early (the agent cancelled, or Steward is shutting down); the question stays open. */
  signal: AbortSignal;
  /** Called about every `everyMs` while nobody has answered, with the time waited so far. */
  onWaiting?: (waitedMs: number) => Promise<void>;
  everyMs?: number;
}

/**
 * Approvals other agents ask for. Each is a question on the desk like any other (every channel, the
 * approvers, the reply binding, the first answer wins, the audit), with the agent's own words kept
 * beside it. A redlined action is refused before anyone is asked. Waiting reads the stored outcome,
 * so a decision or expiry on any replica ends it; a decision here ends it at once.
 */
export function createAgentApprovals(deps: AgentApprovalsDeps) {
  const approvals = createAgentApprovalRepository(deps.pool);
  const audit = createAuditLog(deps.pool);
  const pollMs = deps.pollMs ?? 1_000;
  const waiters = new Map<number, Set<() => void>>();

  async function get(id: number): Promise<ApprovalOutcome | undefined> {
    const row = await approvals.get(id);
    return row ? approvalOutcome(row) : undefined;
  }

  /** Resolves when this process hears of a decision on `id`, after `ms`, or on abort. */
  function nextLook(id: number, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const set = waiters.get(id) ?? new Set();
      waiters.set(id, set);
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0) waiters.delete(id);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  return {
    async request(request: AgentApprovalRequest & { ttlMs?: number | undefined }): Promise<ApprovalRequestResult> {
      const actor = `mcp:${inert(request.agent, 60)}`;
      const shown = { title: inert(request.title, 200), action: inert(request.action, 600) };
      const redline = redlineInRequest(request, deps.policy);
      if (redline) {
        await audit.record({
          actor,
          channel: 'mcp',
          action: 'approval.refused',
          outcome: 'redlined',
          details: { ...shown, redline },
        });
        return { outcome: 'refused', redline };
      }
      const ttlMs = request.ttlMs ?? deps.defaultTtlMs;
      const maxOpen = deps.maxOpen ?? 20;
      let id: number;
      try {
        id = await deps.desk.ask(agentApprovalQuestion(request), {
          ttlMs,
          alsoStore: async (client, questionId) => {
            const inTx = createAgentApprovalRepository(client);
            await inTx.lockForAsking();
            const open = await inTx.countAgainstCap(CAP_WINDOW_SECONDS);
            // Thrown inside the transaction, so the question is rolled back and never sent.
            if (open >= maxOpen) throw new CapReached(open);
            await inTx.insert({
              questionId,
              agent: request.agent,
              action: request.action,
              details: request.details,
            });
            await createAuditLog(client).record({
              actor,
              channel: 'mcp',
              action: 'approval.request',
              subject: `question:${questionId}`,
              outcome: 'asked',
              details: { ...shown, ttlMs },
            });
          },
        });
      } catch (error) {
        if (!(error instanceof CapReached)) throw error;
        await audit.record({
          actor,
          channel: 'mcp',
          action: 'approval.refused',
          outcome: 'too many open',
          details: { ...shown, open: error.open },
        });
        return { outcome: 'too many open', open: error.open };
      }
      return { outcome: 'asked', id };
    },

    get,

    /** The outcome once decided or expired; still pending only when `signal` ended the wait. */
    async waitFor(id: number, options: WaitOptions): Promise<ApprovalOutcome | undefined> {
      const started = Date.now();
      let lastSaid = started;
      for (;;) {
        const outcome = await get(id);
        if (!outcome || outcome.status !== 'pending' || options.signal.aborted) return outcome;
        await nextLook(id, pollMs, options.signal);
        if (options.onWaiting && Date.now() - lastSaid >= (options.everyMs ?? 15_000)) {
          lastSaid = Date.now();
          await options.onWaiting(lastSaid - started);
        }
      }
    },

    /** Told of every decision (the decision router); wakes the calls here that wait for it. */
    listener: {
      onDecision(decision) {
        if (decision.questionKind === AGENT_APPROVAL_KIND)
          for (const wake of [...(waiters.get(decision.questionId) ?? [])]) wake();
        return Promise.resolve();
      },
    } satisfies DecisionListener,
  };
}

export type AgentApprovals = ReturnType<typeof createAgentApprovals>;
