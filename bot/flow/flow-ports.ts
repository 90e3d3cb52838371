import type { OutgoingNotice } from '../../graphs/chat-port.ts';
import { callsOf, type ExecutionResult, type FlowOption, type IncidentFlowPorts, type IncidentSnapshot } from '../../graphs/incident/ports.ts';
import { promotionSuggested, runbookDemoted } from '../../graphs/messages.ts';
import { isRedlined, type ToolPolicy } from '../../graphs/tool-catalog.ts';
import { actionDigest, describeCall, MAX_CALL_TEXT, type ToolCall } from '../../graphs/tool-call.ts';
import type { QuestionDesk } from '../chat/question-desk.ts';
import { summarizeIncident } from '../chat/incident-summary.ts';
import type { Coordination } from '../coordination/index.ts';
import type { Pool } from '../db/pool.ts';
import { createAuditLog } from '../db/repositories/audit-log.ts';
import { createOptionFilter } from '../llm/admissible-options.ts';
import type { LlmGateway } from '../llm/gateway.ts';
import { planFromInstruction } from '../llm/plan-from-instruction.ts';
import { genericOptions, proposeSolutions } from '../llm/propose-solutions.ts';
import { triageIncident } from '../llm/triage.ts';
import type { McpHub } from '../mcp/mcp-hub.ts';
import type { Logger } from '../logging/index.ts';
import type { OutboxRepository } from '../outbox/outbox-repository.ts';
import { SNOOZE_QUEUE, VERIFY_QUEUE } from './incident-flow.ts';
import { checkApprovedCalls } from './approved-calls.ts';
import { renderSolution, runbookOption, runbookOptions } from './runbook-options.ts';
import { stableLabels } from '../../runbooks/stable-labels.ts';
import { promotionDue } from '../../runbooks/learning.ts';
import { asksWhetherProblem, isStandardChange, loudness, mayRunAlone, maySuggest, radiusOf } from '../../runbooks/autonomy.ts';
import { unpinnedLabels } from '../../runbooks/pinned-labels.ts';
import { runbookFromFix } from '../../runbooks/runbook-from-fix.ts';
import type { RunbookStore } from '../runbooks/runbook-store.ts';
import { incidentIdentity, incidentTargets } from '../runbooks/incident-identity.ts';
import type { AutonomyMode } from '../config/types.ts';

export interface FlowPortsOptions {
  pool: Pool;
  desk: QuestionDesk;
  outbox: OutboxRepository;
  channels: readonly string[];
  wake: () => void;
  llm: LlmGateway;
  mcp: Pick<McpHub, 'tools' | 'call'>;
  /** Redlines, and each tool's blast radius (what promotion and the autonomy modes weigh). */
  policy: ToolPolicy & { blastRadius?: Readonly<Record<string, string>> };
  coordination: Coordination;
  verifyWindowMs: number;
  /** After "No, expected" or "ignore", the same alert is not asked about for this long. */
  ignoreMs: number;
  runbooks: RunbookStore;
  /** What Steward may do alone (runbooks/autonomy.ts): which questions it skips, which runbooks run. */
  autonomyMode: AutonomyMode;
  logger: Logger;
}

/** The incident flow's ports on the real database, chat, LLM gateway and MCP client. */
export function createFlowPorts(options: FlowPortsOptions): IncidentFlowPorts {
  const { pool } = options;
  const audit = createAuditLog(pool);

  const identity = (incidentId: number) => incidentIdentity(pool, incidentId);

  /** The matched runbooks' solutions as options, each rendered for every firing alert it fits. */
  async function knownOptions(incidentId: number): Promise<{ options: FlowOption[]; notes: string[]; names: string[] } | undefined> {
    const alert = await identity(incidentId);
    if (!alert) return undefined;
    const matched = options.runbooks.match(alert);
    if (matched.length === 0) return undefined;
    return { ...runbookOptions(matched, await incidentTargets(pool, incidentId)), names: matched.map((runbook) => runbook.id) };
  }

  /** What a model may be shown and offer: tools no redline forbids (the owner's, or destructive by default). */
  function offerableTools() {
    return options.mcp.tools().filter((tool) => !isRedlined(tool, options.policy));
  }

  /** Why an option cannot be put to the owner (a call too long to read on a phone, one policy forbids), or undefined. */
  function problemShowing(option: FlowOption, filter: ReturnType<typeof createOptionFilter>): string | undefined {
    for (const call of callsOf(option)) {
      const problem = filter.problemWith(call);
      if (problem) return `${call.tool}: ${problem}`;
      if (describeCall(call).length > MAX_CALL_TEXT) return `${call.tool}: its arguments are too long to show on a question (${describeCall(call).length} characters)`;
    }
    return undefined;
  }

  /**
   * One tool call of an answered question, at most once: the actions row is the claim. A row found
   * started after a crash may or may not have run, so it is marked interrupted and never run again.
   */
  async function runStep(incidentId: number, questionId: number, step: number, call: ToolCall, runbook: FlowOption['runbook']): Promise<ExecutionResult> {
    // Steward's own decision (a promoted runbook) makes it an automatic action; anyone else's, approved.
    const claimed = await pool.query<{ id: string }>(
      `INSERT INTO actions (incident_id, question_id, step, tool, arguments, runbook_id, solution_id, trigger)
       VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE((SELECT CASE WHEN actor = 'steward' THEN 'auto' ELSE 'approved' END FROM decisions WHERE question_id = $2), 'approved'))
       ON CONFLICT (question_id, step) WHERE question_id IS NOT NULL DO NOTHING RETURNING id`,
      [incidentId, questionId, step, call.tool, call.arguments, runbook?.id ?? null, runbook?.solutionId ?? null],
    );
    if (!claimed.rows[0]) {
      const earlier = await pool.query<{ status: string; result: { output?: string } | null; error: string | null }>('SELECT status, result, error FROM actions WHERE question_id = $1 AND step = $2', [questionId, step]);
      const row = earlier.rows[0]!;
      if (row.status === 'succeeded') return { status: 'succeeded', output: row.result?.output ?? '' };
      if (row.status === 'failed') return { status: 'failed', error: row.error ?? 'failed' };
      await pool.query("UPDATE actions SET status = 'interrupted', finished_at = now() WHERE question_id = $1 AND step = $2 AND status = 'started'", [questionId, step]);
      return { status: 'interrupted' };
    }
    const actionId = Number(claimed.rows[0].id);
    const result = await options.mcp.call(call.tool, call.arguments);
    // The execution is in the audit trail beside the decision that led to it (steward runs the tool either way).
    const executed = { actor: 'steward', channel: 'mcp', action: 'tool.run', subject: `incident:${incidentId}`, details: { tool: call.tool, arguments: call.arguments, questionId, step, ...(runbook ? { runbook: runbook.id } : {}) } };
    if (result.ok) {
      await pool.query("UPDATE actions SET status = 'succeeded', finished_at = now(), result = $2 WHERE id = $1", [actionId, { output: result.text }]);
      await audit.record({ ...executed, outcome: `succeeded: ${call.tool}` });
      return { status: 'succeeded', output: result.text };
    }
    await pool.query("UPDATE actions SET status = 'failed', finished_at = now(), error = $2 WHERE id = $1", [actionId, `${result.kind}: ${result.error}`]);
    await audit.record({ ...executed, outcome: `failed: ${call.tool} (${result.kind})` });
    return { status: 'failed', error: result.error };
  }

  /** Keeps what a model said about the incident, for `details` and the reports. */
  async function remember(incidentId: number, analysis: Record<string, unknown>): Promise<void> {
    await pool.query('UPDATE incidents SET analysis = analysis || $2 WHERE id = $1', [incidentId, analysis]);
  }

  async function notify(incidentId: number, notice: OutgoingNotice, key: string): Promise<void> {
    await options.outbox.enqueue({ channels: options.channels, message: notice, dedupKey: `incident:${incidentId}:${key}`, incidentId });
    options.wake();
  }

  return {
    async snapshot(incidentId): Promise<IncidentSnapshot | undefined> {
      const summary = await summarizeIncident(pool, incidentId);
      if (!summary) return undefined;
      const incident = await pool.query<{ labels: Record<string, string>; annotations: Record<string, string>; source: string; closed_at: Date | null; status: string }>(
        'SELECT labels, annotations, source, closed_at, status FROM incidents WHERE id = $1',
        [incidentId],
      );
      const alerts = await pool.query<{ alertname: string; status: string; labels: Record<string, string>; annotations: Record<string, string>; starts_at: Date | null }>(
        'SELECT alertname, status, labels, annotations, starts_at FROM alerts WHERE incident_id = $1 ORDER BY id LIMIT 20',
        [incidentId],
      );
      const row = incident.rows[0]!;
      const suppression = await pool.query('SELECT 1 FROM suppressions WHERE match_key = $1 AND until > now() LIMIT 1', [stableLabels(row.labels).key]);
      return {
        suppressed: suppression.rows.length > 0,
        id: incidentId,
        title: summary.title,
        alertLines: summary.lines,
        flapping: summary.flapping,
        resolved: row.closed_at !== null || row.status === 'resolved',
        facts: { title: summary.title, source: row.source, labels: row.labels, annotations: row.annotations, alerts: alerts.rows },
      };
    },

    async suppressed(snapshot) {
      await audit.record({ actor: 'steward', channel: 'flow', action: 'incident.suppressed', subject: `incident:${snapshot.id}`, outcome: 'not asked: the owner said this alert is expected' });
    },

    async triage(snapshot) {
      // A known problem needs no model to say so.
      const mode = options.autonomyMode;
      const known = await knownOptions(snapshot.id);
      if (known) return { problem: true, reason: `Known problem: runbook ${known.names.join(', ')}.`, ask: asksWhetherProblem(mode, { known: true }) };
      const result = await triageIncident(options.llm, { incidentId: snapshot.id, incident: snapshot.facts });
      if (!result.ok) return { reason: '', degraded: result.degraded, ask: true };
      await remember(snapshot.id, { triage: { ...result.triage, model: result.alias } });
      const ask = asksWhetherProblem(mode, { known: false, problem: result.triage.problem, confidence: result.triage.confidence });
      return { problem: result.triage.problem, reason: result.triage.reason, ask };
    },

    async propose(snapshot) {
      // The model sees only what may be offered; the filter knows every tool, to say why one may not be.
      const tools = offerableTools();
      const filter = createOptionFilter(options.mcp.tools(), options.policy);
      const known = await knownOptions(snapshot.id);
      if (known) {
        // Runbook options first, and without any model call; each is still checked against the tools and policy.
        const notes = [...known.notes];
        const kept = known.options.filter((option) => {
          const problem = problemShowing(option, filter);
          if (problem) notes.push(`Not offered: runbook ${option.runbook!.id}, ${problem}.`);
          return problem === undefined;
        });
        return { diagnosis: `Known problem: runbook ${known.names.join(', ')}.`, options: [...kept, ...genericOptions.map((generic) => ({ label: generic.label, generic: generic.generic }))], notes };
      }
      const proposal = await proposeSolutions(options.llm, filter, { incidentId: snapshot.id, incident: snapshot.facts, tools });
      const flowOptions: FlowOption[] = [];
      const dropped = [...proposal.dropped];
      for (const offered of proposal.options) {
        if (offered.kind === 'generic') {
          flowOptions.push({ label: offered.label, generic: offered.generic });
          continue;
        }
        const { action } = offered;
        const option: FlowOption = { label: action.label, labelSource: { kind: 'model' }, impact: action.impact, risk: action.risk, reversible: action.reversible, action: { tool: action.tool, arguments: action.arguments } };
        const problem = problemShowing(option, filter);
        if (problem) dropped.push({ tool: action.tool, reason: problem });
        else flowOptions.push(option);
      }
      if (dropped.length > 0) options.logger.warn({ incidentId: snapshot.id, dropped }, 'model proposals dropped before anyone saw them');
      if (!proposal.degraded) await remember(snapshot.id, { diagnosis: proposal.diagnosis, ...(dropped.length > 0 ? { dropped } : {}) });
      const notes = dropped.length > 0 ? [`${dropped.length} proposal(s) of the model were not offered (policy, schema or length): "details" says which.`] : [];
      return { diagnosis: proposal.diagnosis, options: flowOptions, notes, ...(proposal.degraded ? { degraded: proposal.degraded } : {}) };
    },

    async plan(snapshot, instruction) {
      const tools = offerableTools();
      const filter = createOptionFilter(options.mcp.tools(), options.policy);
      const planned = await planFromInstruction(options.llm, filter, { incidentId: snapshot.id, incident: snapshot.facts, instruction, tools });
      await remember(snapshot.id, { plan: planned.ok ? { instruction, summary: planned.summary, steps: planned.steps } : { instruction, refused: planned.reason } });
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
      const problem = problemShowing(option, filter);
      if (problem) return { ok: false, reason: problem };
      return { ok: true, summary: planned.summary, option };
    },

    ask: (question) => options.desk.ask(question),

    notify,

    async execute(incidentId, questionId, option): Promise<ExecutionResult> {
      const calls = callsOf(option);
      if (calls.length === 0) return { status: 'refused', reason: 'This option runs no tool.' };
      // What runs is what the answered question showed, or nothing: the decision's digest is of those calls.
      const approved = await checkApprovedCalls(pool, questionId, calls);
      if (!approved.ok) {
        await audit.record({ actor: 'steward', channel: 'flow', action: 'tool.refused', subject: `incident:${incidentId}`, outcome: `not run: ${approved.reason}`, details: { questionId, calls } });
        options.logger.error({ incidentId, questionId, reason: approved.reason }, 'calls that differ from what was approved were not run');
        return { status: 'refused', reason: `Nothing was run: ${approved.reason}.` };
      }
      // Policy is checked again at the last moment, for every step before the first runs: whatever
      // was answered, a redlined tool never runs, and a plan never runs half.
      const filter = createOptionFilter(options.mcp.tools(), options.policy);
      for (const call of calls) {
        const refused = filter.problemWith(call);
        if (refused) return { status: 'refused', reason: `${call.tool} was not run: ${refused}.` };
      }
      const outputs: string[] = [];
      for (const [step, call] of calls.entries()) {
        const result = await runStep(incidentId, questionId, step, call, option.runbook);
        const where = calls.length > 1 ? `step ${step + 1} of ${calls.length} (${call.tool}): ` : '';
        if (result.status === 'succeeded') {
          outputs.push(`${where}${result.output}`);
          continue;
        }
        if (result.status === 'failed') return { status: 'failed', error: `${where}${result.error}${step > 0 ? ` (steps 1–${step} ran)` : ''}` };
        return result;
      }
      return { status: 'succeeded', output: outputs.join('\n') };
    },

    async autoFix(snapshot, run) {
      const mode = options.autonomyMode;
      const alert = await identity(snapshot.id);
      if (!alert) return undefined;
      const promoted = options.runbooks.match(alert).filter((runbook) => runbook.automation_level !== 'ask_human');
      if (promoted.length === 0) return undefined;
      const targets = await incidentTargets(pool, snapshot.id);
      const filter = createOptionFilter(options.mcp.tools(), options.policy);
      const declined: string[] = [];
      for (const runbook of promoted) {
        // The solution the owner promoted (`steward runbooks promote <id> <solution>`), else the best record.
        const solution = runbook.solutions.find((candidate) => candidate.id === runbook.promoted_solution) ?? [...runbook.solutions].sort((a, b) => b.success_rate - a.success_rate)[0]!;
        const radius = radiusOf(runbook, solution, options.policy.blastRadius ?? {});
        if (!mayRunAlone(mode, radius)) continue; // the mode does not trust this much on its own: ask
        // Autonomy is earned per target: an alert may not aim a fix at what the trigger does not pin.
        const unpinned = unpinnedLabels(runbook, solution);
        if (unpinned.length > 0) {
          declined.push(`Runbook ${runbook.id} is promoted but asks: its arguments use ${unpinned.map((name) => `labels.${name}`).join(', ')}, which its trigger does not pin, so an alert could aim it anywhere.`);
          continue;
        }
        const rendered = renderSolution(runbook, solution, targets);
        if (!rendered.ok) {
          declined.push(`Runbook ${runbook.id} is promoted but asks: ${rendered.reason}.`);
          continue;
        }
        const option = runbookOption(runbook, solution, rendered.calls);
        const problem = problemShowing(option, filter);
        if (problem) {
          declined.push(`Runbook ${runbook.id} is promoted but asks: ${problem}.`);
          continue;
        }
        const level = loudness(mode, runbook.automation_level, isStandardChange(solution, radius));
        const calls = callsOf(option);
        // The choice is recorded like a human's, decided by Steward: the question shows the calls, the
        // decision holds their digest (the runner checks it), and the audit trail says why.
        const key = `auto:${run}`;
        await pool.query(
          `INSERT INTO questions (incident_id, interrupt_id, kind, title, prompt, options, status, closed_at)
           VALUES ($1, $2, 'solution', $3, '', $4, 'answered', now()) ON CONFLICT (incident_id, interrupt_id) WHERE interrupt_id IS NOT NULL DO NOTHING`,
          [snapshot.id, key, `Runbook ${runbook.id} runs on its own`, JSON.stringify([{ number: 1, label: solution.description, labelSource: { kind: 'runbook', id: runbook.id }, calls }])],
        );
        const question = Number((await pool.query<{ id: string }>('SELECT id FROM questions WHERE incident_id = $1 AND interrupt_id = $2', [snapshot.id, key])).rows[0]!.id);
        const digest = actionDigest(calls);
        const decided = await pool.query(
          "INSERT INTO decisions (question_id, answer, actor, actor_name, channel, action_digest) VALUES ($1, $2, 'steward', $3, 'autonomy', $4) ON CONFLICT DO NOTHING RETURNING 1",
          [question, { kind: 'option', option: 1, label: solution.description }, `runbook ${runbook.id}`, digest],
        );
        if (decided.rowCount === 1) {
          await audit.record({ actor: 'steward', channel: 'autonomy', action: 'question.answer', subject: `incident:${snapshot.id}`, outcome: `1. ${solution.description}`, details: { runbook: runbook.id, solution: solution.id, level, radius, mode, calls, actionDigest: digest } });
        }
        return { option, questionId: question, level };
      }
      return declined.length > 0 ? { asks: declined.join(' ') } : undefined;
    },

    async demote(incidentId, option) {
      if (!option.runbook) return;
      await options.runbooks.setAutomationLevel(option.runbook.id, 'ask_human');
      await audit.record({ actor: 'steward', channel: 'autonomy', action: 'runbook.demote', subject: `runbook:${option.runbook.id}`, outcome: 'ask_human', details: { incidentId } });
      await notify(incidentId, runbookDemoted(option.runbook.id, callsOf(option)), `demote:${option.runbook.id}`);
    },

    async learn(incidentId, questionId, option, succeeded) {
      if (!(await options.coordination.claimOnce(`learned:${questionId}`, 90 * 86_400_000))) return;
      if (option.runbook) {
        const runbook = await options.runbooks.recordOutcome(option.runbook.id, option.runbook.solutionId, succeeded);
        const solution = runbook?.solutions.find((candidate) => candidate.id === option.runbook!.solutionId);
        const radius = runbook && solution ? radiusOf(runbook, solution, options.policy.blastRadius ?? {}) : undefined;
        if (runbook && solution && radius && promotionDue(runbook, solution) && maySuggest(options.autonomyMode, radius)) {
          const when = mayRunAlone(options.autonomyMode, radius) ? 'next time' : `once AUTONOMY_MODE allows ${radius} fixes alone (it is ${options.autonomyMode})`;
          const unpinned = unpinnedLabels(runbook, solution);
          const caveat = unpinned.length > 0 ? `It would still ask each time: its arguments use ${unpinned.map((name) => `labels.${name}`).join(', ')}, which its trigger does not pin.` : undefined;
          await notify(
            incidentId,
            promotionSuggested({ id: runbook.id, description: solution.description, successes: solution.successes, chosen: solution.human_selected, radius, risk: solution.risk, reversible: solution.reversible }, when, caveat),
            `promotion:${runbook.id}:${solution.id}:${solution.human_selected}`,
          );
        }
        return;
      }
      if (!succeeded) return;
      if (!option.action) {
        // A runbook solution is one tool call; a plan of several stays in the audit trail only.
        if (option.steps) options.logger.info({ incidentId, steps: option.steps.length }, 'a plan of several steps worked; not written as a runbook');
        return;
      }
      const alert = await identity(incidentId);
      if (!alert) return;
      const facts = { ...(option.ownerWords ? { ownerWords: option.ownerWords } : {}), ...(option.impact ? { impact: option.impact } : {}), ...(option.risk ? { risk: option.risk } : {}), ...(option.reversible !== undefined ? { reversible: option.reversible } : {}) };
      const created = await options.runbooks.create(runbookFromFix(alert, option.action, facts, describeCall), `Learned from incident #${incidentId}, approved in chat.`);
      options.logger.info({ incidentId, runbook: created.id }, 'runbook written from an approved fix');
    },

    async startVerification(incidentId) {
      await pool.query("UPDATE incidents SET status = 'verifying', updated_at = now() WHERE id = $1 AND closed_at IS NULL", [incidentId]);
      await options.coordination.schedule(VERIFY_QUEUE, String(incidentId), new Date(Date.now() + options.verifyWindowMs));
    },

    async dismiss(incidentId, reason, actor) {
      // Still live for intake (its repeats keep arriving); `closed` says nobody needs to act on it.
      await pool.query("UPDATE incidents SET status = 'closed', close_reason = $2, updated_at = now() WHERE id = $1", [incidentId, `dismissed: ${reason}`]);
      const labels = await pool.query<{ labels: Record<string, string> }>('SELECT labels FROM incidents WHERE id = $1', [incidentId]);
      const match = stableLabels(labels.rows[0]?.labels ?? {});
      await pool.query(
        'INSERT INTO suppressions (match_key, labels, until, actor, reason, incident_id) VALUES ($1, $2, now() + make_interval(secs => $3::double precision / 1000), $4, $5, $6)',
        [match.key, match.labels, options.ignoreMs, actor ?? null, reason, incidentId],
      );
      await audit.record({ actor: actor ?? 'steward', channel: 'flow', action: 'incident.dismiss', subject: `incident:${incidentId}`, outcome: reason });
    },

    async snooze(incidentId, durationMs) {
      await pool.query("UPDATE incidents SET status = 'waiting', updated_at = now() WHERE id = $1", [incidentId]);
      await options.coordination.schedule(SNOOZE_QUEUE, String(incidentId), new Date(Date.now() + durationMs));
    },
  };
}
