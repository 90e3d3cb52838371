import type { OutgoingNotice } from '../../../graphs/chat-port.ts';
import { callsOf, type FlowOption } from '../../../graphs/incident/ports.ts';
import { isRedlined, type ToolDescription, type ToolPolicy } from '../../../graphs/tool-catalog.ts';
import { callNotShowable } from '../../../graphs/option-notes.ts';
import { describeCall, MAX_CALL_TEXT } from '../../../graphs/tool-call.ts';
import type { QuestionDesk } from '../../chat/question-desk.ts';
import type { AutonomyMode } from '../../config/types.ts';
import type { Coordination } from '../../coordination/index.ts';
import type { Pool } from '../../db/pool.ts';
import { createAuditLog, type AuditLog } from '../../db/repositories/audit-log.ts';
import { createIncidentRepository } from '../../db/repositories/incidents.ts';
import type { OutboxRepository } from '../../db/repositories/outbox.ts';
import { createOptionFilter } from '../../llm/admissible-options.ts';
import type { LlmGateway } from '../../llm/gateway.ts';
import type { InvestigationBudget } from '../../investigation/investigation-config.ts';
import type { PrometheusClient } from '../../investigation/prometheus-client.ts';
import type { Logger } from '../../logging/index.ts';
import type { McpHub } from '../../mcp/mcp-hub.ts';
import { incidentIdentity, incidentTargets } from '../../runbooks/incident-identity.ts';
import type { RunbookStore } from '../../runbooks/runbook-store.ts';
import { runbookOptions } from '../runbook-options.ts';

export interface FlowPortsOptions {
  pool: Pool;
  desk: QuestionDesk;
  outbox: OutboxRepository;
  channels: readonly string[];
  wake: () => void;
  llm: LlmGateway;
  mcp: Pick<McpHub, 'tools' | 'call'>;
  /** Redlines, and each tool's blast radius (what promotion and the autonomy modes weigh). */
  policy: ToolPolicy & { blastRadius?: Readonly<Record<string, string>>; readOnly?: readonly string[] };
  /** Evidence before asking (bot/investigation/): its budget, and Prometheus when PROMETHEUS_URL is set. Absent: no investigation. */
  investigation?: { budget: InvestigationBudget; prometheus?: PrometheusClient };
  coordination: Coordination;
  verifyWindowMs: number;
  /** After "No, expected" or "ignore", the same alert is not asked about for this long. */
  ignoreMs: number;
  runbooks: RunbookStore;
  /** What Steward may do alone (runbooks/autonomy.ts): which questions it skips, which runbooks run. */
  autonomyMode: AutonomyMode;
  logger: Logger;
}

/** What the ports share: the options, the audit log, and the lookups several ports make. */
export interface PortContext extends FlowPortsOptions {
  audit: AuditLog;
  /** The incident as runbooks see it. */
  identity(incidentId: number): ReturnType<typeof incidentIdentity>;
  /** The matched runbooks' solutions as options, each rendered for every firing alert it fits. */
  knownOptions(incidentId: number): Promise<{ options: FlowOption[]; notes: string[]; names: string[] } | undefined>;
  /** What a model may be shown and offer: tools no redline forbids (the owner's, or destructive by default). */
  offerableTools(): ToolDescription[];
  /** Every tool and the policy: says why a call may not be offered or run. */
  optionFilter(): ReturnType<typeof createOptionFilter>;
  /** Why an option cannot be put to the owner (a call policy forbids, one too long to read on a phone), or undefined. */
  problemShowing(option: FlowOption, filter: ReturnType<typeof createOptionFilter>): string | undefined;
  /** Keeps what a model said about the incident, for `details` and the reports. */
  remember(incidentId: number, analysis: Record<string, unknown>): Promise<void>;
  /** One notice about an incident on every channel, once per key. */
  notify: (incidentId: number, notice: OutgoingNotice, key: string) => Promise<void>;
}

export function createPortContext(options: FlowPortsOptions): PortContext {
  const { pool } = options;
  const incidents = createIncidentRepository(pool);
  return {
    ...options,
    audit: createAuditLog(pool),
    identity: (incidentId) => incidentIdentity(pool, incidentId),
    async knownOptions(incidentId) {
      const alert = await incidentIdentity(pool, incidentId);
      if (!alert) return undefined;
      const matched = options.runbooks.match(alert);
      if (matched.length === 0) return undefined;
      return {
        ...runbookOptions(matched, await incidentTargets(pool, incidentId)),
        names: matched.map((runbook) => runbook.id),
      };
    },
    offerableTools: () => options.mcp.tools().filter((tool) => !isRedlined(tool, options.policy)),
    optionFilter: () => createOptionFilter(options.mcp.tools(), options.policy),
    problemShowing(option, filter) {
      for (const call of callsOf(option)) {
        const problem = filter.problemWith(call);
        if (problem) return callNotShowable.refused(call.tool, problem);
        if (describeCall(call).length > MAX_CALL_TEXT)
          return callNotShowable.tooLong(call.tool, describeCall(call).length);
      }
      return undefined;
    },
    remember: (incidentId, analysis) => incidents.mergeAnalysis(incidentId, analysis),
    async notify(incidentId, notice, key) {
      await options.outbox.enqueue({
        channels: options.channels,
        message: notice,
        dedupKey: `incident:${incidentId}:${key}`,
        incidentId,
      });
      options.wake();
    },
  };
}
