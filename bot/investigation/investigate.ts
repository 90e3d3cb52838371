import { findingNotes } from '../../graphs/findings.ts';
import { z } from 'zod';
import type { Queryable } from '../db/pool.ts';
import type { LlmGateway } from '../llm/gateway.ts';
import type { Logger } from '../logging/index.ts';
import { describeReadOnlyResult, type ReadOnlyTools } from '../mcp/read-only-tools.ts';
import { applicationHistory } from './application-history.ts';
import { firstLine, keptEvidence, keptText, toolCallKey, stableJson, type Evidence } from './evidence.ts';
import { gatherSeries, queriesOfAlerts } from './gather-metrics.ts';
import type { InvestigationBudget } from './investigation-config.ts';
import type { PrometheusClient } from './prometheus-client.ts';
import { PROMETHEUS_TOOL, prometheusToolQuery } from './prometheus-tool.ts';

export interface InvestigatorDeps {
  budget: InvestigationBudget;
  db: Queryable;
  llm: Pick<LlmGateway, 'ask'>;
  /** The read-only tools as they are now (servers connect and reconnect). */
  tools(): ReadOnlyTools;
  prometheus?: PrometheusClient;
  logger: Logger;
}

export interface InvestigationRequest {
  /** Unset for a request made in chat, which is about no incident. */
  incidentId?: number;
  /** The incident (or the request) as a model may see it (data). */
  facts: unknown;
  labels: Record<string, string>;
  application?: string;
  /** Links back to the rules that fired: Prometheus's carry the expression. */
  generatorUrls: readonly string[];
  /** Everything gathered before for this incident: none of it is asked again. */
  earlier: readonly Evidence[];
  /** A critical incident or a fix that did not work: the deeper (Claude) model, while its quota lasts. */
  deep: boolean;
  /** A runbook knows this incident: metrics and history are gathered, no model is asked. */
  known?: boolean;
  /** The owner's own words, for a request made in chat ("check why sonarr is slow"). */
  question?: string;
}

export interface InvestigationResult {
  /** What this investigation gathered (earlier evidence is not repeated). */
  evidence: Evidence[];
  /** Keys of the evidence the model says matters most, most important first. */
  relevant: string[];
  diagnosis?: string;
  /** Calls made: Prometheus queries and read-only tools. */
  calls: number;
  /** Why it stopped short, or why there is no diagnosis. */
  notes: string[];
  /** The model judged a fix warranted (asked only for a request typed in chat). */
  fixWarranted?: boolean;
}

const answerSchema = z.object({
  diagnosis: z.string(),
  /** Ids of the evidence that supports the diagnosis, most important first. */
  relevant: z.array(z.string()).max(8).default([]),
  /** For a request typed in chat: whether something should be fixed (options then follow, through an incident). */
  fix_warranted: z.boolean().default(false),
});

/**
 * Gathers evidence about an incident within a budget (calls, time, characters per result), then asks
 * a model what it shows: Prometheus series of the rules that fired, the application's recent Coroot
 * deployments and incidents, and read-only MCP tools the model chooses by function calling. A call
 * made before for the incident is not made again. Whatever runs changes nothing; whatever comes back
 * is data (kept with secrets masked, and sent through the gateway, which routes and scrubs it).
 */
export async function investigate(deps: InvestigatorDeps, request: InvestigationRequest): Promise<InvestigationResult> {
  const { budget } = deps;
  const started = Date.now();
  const deadline = started + budget.timeLimitMs;
  const remaining = () => deadline - Date.now();
  const seen = new Map(request.earlier.map((evidence) => [evidence.key, evidence]));
  const gathered: Evidence[] = [];
  const notes: string[] = [];
  let calls = 0;
  const keep = (found: Evidence) => {
    const evidence = keptEvidence(found);
    gathered.push(evidence);
    seen.set(evidence.key, evidence);
  };

  if (deps.prometheus) {
    for (const query of queriesOfAlerts(request.generatorUrls)) {
      if (seen.has(`prometheus:${query}`)) continue;
      if (calls >= budget.maxToolCalls || remaining() <= 0) break;
      calls += 1;
      keep(
        await gatherSeries(
          deps.prometheus,
          query,
          { end: new Date(), ms: budget.metricsWindowMs },
          remaining(),
          budget.maxResultChars,
        ),
      );
    }
  }
  if (request.application && !seen.has(`coroot:${request.application}`)) {
    const history = await applicationHistory(deps.db, {
      incidentId: request.incidentId ?? 0,
      application: request.application,
      since: new Date(Date.now() - budget.historyWindowMs),
      maxChars: budget.maxResultChars,
    });
    if (history) keep(history);
  }

  if (request.known) return { evidence: gathered, relevant: [], calls, notes };
  const tools = deps.tools();
  const offered = [...tools.offered, ...(deps.prometheus ? [PROMETHEUS_TOOL] : [])];
  const callsLeft = () => budget.maxToolCalls - calls;
  const offerTools = offered.length > 0 && callsLeft() > 0 && remaining() > 0;
  if (!offerTools && seen.size === 0 && !request.question) return { evidence: gathered, relevant: [], calls, notes };

  /** Calls still running: at the deadline each is recorded as unanswered, and its late answer dropped. */
  const inFlight = new Map<string, string>();
  const unanswered = (key: string, what: string): Evidence => ({
    key,
    source: 'tool',
    what,
    quote: 'no answer within the time limit',
    text: 'no answer within the time limit',
    ok: false,
    at: new Date().toISOString(),
  });

  async function callTool(name: string, args: Record<string, unknown>): Promise<string> {
    if (name === PROMETHEUS_TOOL.name && deps.prometheus) return queryPrometheus(deps.prometheus, args);
    const key = toolCallKey(name, args);
    const before = seen.get(key);
    if (before) return `Already gathered (not run again): ${before.text}`;
    if (callsLeft() <= 0) return `Refused: the investigation's budget of ${budget.maxToolCalls} calls is used up.`;
    if (remaining() <= 0) return 'Refused: the investigation ran out of time.';
    calls += 1;
    const what = `${name} ${stableJson(args)}`;
    const timer = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), Math.max(1, remaining())).unref(),
    );
    inFlight.set(key, what);
    const result = await Promise.race([tools.call(name, args), timer]);
    inFlight.delete(key);
    if (seen.has(key)) return 'The tool did not answer within the investigation’s time limit.';
    if (result === 'timeout') {
      keep(unanswered(key, what));
      return 'The tool did not answer within the investigation’s time limit.';
    }
    const text = keptText(describeReadOnlyResult(result), budget.maxResultChars);
    keep({
      key,
      source: 'tool',
      what,
      quote: keptText(firstLine(text), 300),
      text,
      ok: result.status === 'ran',
      at: new Date().toISOString(),
    });
    return text;
  }

  /** The model's own PromQL: the same summary, the same budget, never the same query twice. */
  async function queryPrometheus(prometheus: PrometheusClient, args: Record<string, unknown>): Promise<string> {
    const query = prometheusToolQuery(args);
    if (!query) return `Refused: ${PROMETHEUS_TOOL.name}: the arguments must be {"query": "<PromQL>"}.`;
    const before = seen.get(`prometheus:${query}`);
    if (before) return `Already gathered (not run again): ${before.text}`;
    if (callsLeft() <= 0) return `Refused: the investigation's budget of ${budget.maxToolCalls} calls is used up.`;
    if (remaining() <= 0) return 'Refused: the investigation ran out of time.';
    calls += 1;
    const evidence = await gatherSeries(
      prometheus,
      query,
      { end: new Date(), ms: budget.metricsWindowMs },
      remaining(),
      budget.maxResultChars,
    );
    keep(evidence);
    return evidence.text;
  }

  const evidenceForModel = () =>
    [...seen.values()].map((evidence) => ({
      id: evidence.key,
      source: evidence.source,
      what: evidence.what,
      result: evidence.text,
    }));
  const asking = deps.llm.ask({
    purpose: request.deep ? 'deep-analysis' : 'investigation',
    ...(request.incidentId !== undefined ? { incidentId: request.incidentId } : {}),
    instructions: [
      'You investigate an incident in a homelab for its owner before they are asked what to do. You may only look: every tool offered is read-only.',
      offerTools
        ? `Call the tools that would show the cause (at most ${callsLeft()} calls in all; a call already made is not run again).`
        : 'No more calls can be made: answer from the evidence given.',
      'Then answer with a diagnosis in one or two sentences a tired person can read on a phone, and the ids of the evidence that supports it, most important first. Say so when the evidence does not show a cause.',
      ...(request.question
        ? ['Set fix_warranted to true only when the evidence shows something that should be fixed.']
        : []),
    ].join(' '),
    data: {
      incident: request.facts,
      evidence: evidenceForModel(),
      ...(request.question ? { ownerAsks: request.question } : {}),
    },
    task: request.question
      ? `The owner asks: see ownerAsks in the data. What does the evidence show?`
      : 'What does the evidence show about this incident?',
    schema: answerSchema,
    ...(offerTools ? { tools: { offered, call: callTool, maxRounds: callsLeft() } } : {}),
  });
  const outOfTime = new Promise<'timeout'>((resolve) =>
    setTimeout(() => resolve('timeout'), Math.max(1, remaining())).unref(),
  );
  const answer = await Promise.race([asking, outOfTime]);
  if (answer === 'timeout') {
    // The model's conversation may still end in the background; no tool runs for it after the deadline.
    asking.catch(() => undefined);
    for (const [key, what] of inFlight) keep(unanswered(key, what));
    inFlight.clear();
    notes.push(findingNotes.timeRanOut(Math.round(budget.timeLimitMs / 1000)));
    deps.logger.warn({ incidentId: request.incidentId, calls }, 'investigation ran out of time');
    return { evidence: gathered, relevant: [], calls, notes };
  }
  if (calls >= budget.maxToolCalls && offerTools) notes.push(findingNotes.budgetUsed(budget.maxToolCalls));
  if (!answer.ok) {
    notes.push(answer.reason === 'invalid_answer' ? findingNotes.diagnosisUnusable : findingNotes.noModel);
    return { evidence: gathered, relevant: [], calls, notes };
  }
  deps.logger.info(
    { incidentId: request.incidentId, calls, gathered: gathered.length, ms: Date.now() - started },
    'investigation done',
  );
  return {
    evidence: gathered,
    relevant: answer.value.relevant.filter((key) => seen.has(key)),
    diagnosis: answer.value.diagnosis,
    calls,
    notes,
    ...(request.question ? { fixWarranted: answer.value.fix_warranted } : {}),
  };
}
