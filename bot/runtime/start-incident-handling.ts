import { requestFindings } from '../../graphs/findings.ts';
import type { IncidentChange, IncidentDispatcher } from '../../graphs/incident-changes.ts';
import type { DecisionListener } from '../../graphs/questions.ts';
import type { Config, StructuredConfig } from '../config/index.ts';
import type { Coordination } from '../coordination/index.ts';
import type { Pool } from '../db/pool.ts';
import { createCheckpointRetention } from '../flow/checkpoint-retention.ts';
import { createFlowDispatcher } from '../flow/flow-dispatcher.ts';
import { createFlowPorts } from '../flow/flow-ports.ts';
import { createIncidentFlow } from '../flow/incident-flow.ts';
import { createNextTimeAnswers } from '../flow/next-time-answer.ts';
import type { Policy } from '../flow/policy-config.ts';
import { readInvestigationConfig } from '../investigation/investigation-config.ts';
import { investigateOwnerRequest, openRequestIncident } from '../investigation/owner-request.ts';
import { createPrometheusClient } from '../investigation/prometheus-client.ts';
import { readOnlyTools } from '../mcp/read-only-tools.ts';
import type { LlmGateway } from '../llm/gateway.ts';
import type { Logger } from '../logging/index.ts';
import type { McpHub } from '../mcp/mcp-hub.ts';
import { createRunbookGit } from '../runbooks/runbook-git.ts';
import type { RunbookStore } from '../runbooks/runbook-store.ts';
import { createSharedRunbookStore } from '../runbooks/shared-runbook-store.ts';
import type { Shutdown } from './shutdown.ts';
import type { Chat } from './start-chat.ts';

export interface IncidentHandlingDeps {
  config: Config;
  structured: StructuredConfig;
  mcp: McpHub;
  /** STEWARD_CONFIG's policy: redlines and blast radius. */
  policy: Policy;
  pool: Pool;
  coordination: Coordination;
  logger: Logger;
  chat: Chat;
  llm: LlmGateway;
  shutdown: Shutdown;
  /** Says what no run takes (new alerts joining, a resolution nobody waited for). */
  notices: IncidentDispatcher;
  /** Keeps an opened incident whose run could not start, to hand it over again. */
  onStartFailed?: (change: IncidentChange, error: unknown) => Promise<void>;
}

/**
 * What acts on incidents: the runbooks (with GitOps when asked), the incident flow and
 * its timers, and where answers go (the flow; "Next time?" to the runbooks). Returns the dispatcher
 * intake hands changes to and the listener decisions go to.
 */
export async function startIncidentHandling(deps: IncidentHandlingDeps): Promise<{
  dispatcher: IncidentDispatcher;
  listener: DecisionListener;
  runbooks: RunbookStore;
  request?: (text: string) => Promise<{ title: string; body: string }>;
}> {
  const { config, chat, logger, shutdown } = deps;
  const say = async (notice: { title: string; body: string }, incidentId?: number) => {
    await chat.outbox.enqueue({
      channels: chat.channels,
      message: { kind: 'notice', ...notice },
      ...(incidentId !== undefined ? { incidentId } : {}),
    });
    chat.wake();
  };

  const { mcp } = deps;
  const runbookLogger = logger.child({ component: 'runbooks' });
  const runbookGit = config.runbookGit
    ? createRunbookGit({ dir: config.runbookDir, logger: runbookLogger })
    : undefined;
  // Shared through the database: statistics and levels are the same on every replica (docs/runbook-state.md).
  const runbooks = createSharedRunbookStore({
    dir: config.runbookDir,
    pool: deps.pool,
    logger: runbookLogger,
    syncMs: config.runbookSyncMs,
    ...(runbookGit ? { changed: runbookGit.commit } : {}),
  });
  await runbookGit?.ensure();
  await runbooks.load();
  runbooks.watch();
  shutdown.add('runbooks', async () => runbooks.close());

  const flowLogger = logger.child({ component: 'flow' });
  const budget = readInvestigationConfig(deps.structured.investigation);
  const prometheus = config.prometheus ? createPrometheusClient(config.prometheus) : undefined;
  const { policy } = deps;
  const flow = createIncidentFlow({
    pool: deps.pool,
    expireQuestions: () => chat.desk.expire(),
    coordination: deps.coordination,
    logger: flowLogger,
    ...(deps.onStartFailed ? { onStartFailed: deps.onStartFailed } : {}),
    ports: createFlowPorts({
      pool: deps.pool,
      desk: chat.desk,
      outbox: chat.outbox,
      channels: chat.channels,
      wake: chat.wake,
      llm: deps.llm,
      mcp,
      policy,
      coordination: deps.coordination,
      verifyWindowMs: config.verifyWindowMs,
      ignoreMs: config.ignoreDays * 86_400_000,
      runbooks,
      autonomyMode: config.autonomyMode,
      investigation: { budget, ...(prometheus ? { prometheus } : {}) },
      logger: flowLogger,
    }),
  });
  const nextTime = createNextTimeAnswers({
    pool: deps.pool,
    runbooks,
    autonomyMode: config.autonomyMode,
    blastRadius: policy.blastRadius,
    notify: (incidentId, notice) => say(notice, incidentId),
  });
  await flow.recover();
  flow.startPolling();
  shutdown.add('incident flow', () => flow.stop());
  const retention = createCheckpointRetention({
    db: deps.pool,
    coordination: deps.coordination,
    logger: flowLogger,
    retentionMs: config.checkpointRetentionMs,
  });
  retention.start();
  shutdown.add('checkpoint retention', () => retention.stop());

  // A request typed in chat with no question open: the same read-only investigation, about no incident.
  const investigator = {
    budget,
    db: deps.pool,
    llm: deps.llm,
    tools: () =>
      readOnlyTools(['*'], mcp.tools(), policy, (name: string, args: Record<string, unknown>) => mcp.call(name, args)),
    ...(prometheus ? { prometheus } : {}),
    logger: logger.child({ component: 'investigation' }),
  };
  const dispatcher = createFlowDispatcher(flow, deps.notices);
  /** The findings; when a fix is warranted, the request becomes an incident whose options follow. */
  const request = async (text: string) => {
    const { findings, result } = await investigateOwnerRequest(investigator, text);
    const incidentId = result.fixWarranted ? await openRequestIncident(deps.pool, dispatcher, text, result) : undefined;
    return requestFindings(text, findings, incidentId);
  };
  return {
    dispatcher,
    runbooks,
    ...(budget.enabled ? { request } : {}),
    listener: {
      onDecision: (decision) =>
        decision.questionKind === 'autonomy' ? nextTime.onDecision(decision) : flow.onDecision(decision),
    },
  };
}
