import { isDeepStrictEqual } from 'node:util';
import type { ChatOption } from '../../graphs/chat-port.ts';
import {
  callsOf,
  type ExecutionResult,
  type FailedAttempt,
  type FlowOption,
  type IncidentFlowPorts,
  type IncidentSnapshot,
} from '../../graphs/incident/ports.ts';
import type { Findings } from '../../graphs/findings.ts';
import type { Answer, QuestionRequest } from '../../graphs/questions.ts';
import type { ToolCall } from '../../graphs/tool-call.ts';

type TriageResult = Awaited<ReturnType<IncidentFlowPorts['triage']>>;
type Proposal = Awaited<ReturnType<IncidentFlowPorts['propose']>>;
type PlanResult = Awaited<ReturnType<IncidentFlowPorts['plan']>>;
type AutoFixResult = Awaited<ReturnType<IncidentFlowPorts['autoFix']>>;

/**
 * What a tool does when run: its output, its failure, or `interrupted` (its action was found started
 * after a crash, so it may or may not have run and is never run again).
 */
export type ToolBehaviour = { ok: true; text: string } | { ok: false; error: string } | 'interrupted';

/** What the in-memory world answers when the flow asks it something; every field has a plain default. */
export interface InMemorySetup {
  snapshot?: Partial<IncidentSnapshot>;
  /** The verdict, or a function that gives it when it is ready (to see what runs meanwhile). */
  triage?: TriageResult | (() => Promise<TriageResult>);
  /** What an investigation finds; unset, the flow has no investigate port (as with investigation off). */
  investigate?: (request: { deep: boolean }) => Findings | undefined | Promise<Findings | undefined>;
  /** Successive `propose` answers; the last one repeats. */
  proposals?: Proposal[];
  /** The plan for a `custom:` instruction; by default a plan is refused. */
  plan?: (instruction: string) => PlanResult;
  autoFix?: AutoFixResult;
  /** By tool name; a tool not named here succeeds with `<tool> done`. */
  tools?: Record<string, ToolBehaviour>;
}

export interface AskedQuestion extends QuestionRequest {
  id: number;
  askKey: string;
  /** Set when the question was decided (by the test's answer, or by Steward for an automatic fix). */
  decided?: Answer;
}

export interface InMemoryIncidentPorts {
  ports: IncidentFlowPorts;
  /** The incident as the flow reads it; tests flip `resolved` and `suppressed`. */
  incident: IncidentSnapshot;
  questions: AskedQuestion[];
  notices: { key: string; title: string; body: string }[];
  /** Every tool call that ran, in order, with the question that approved it. */
  toolRuns: { questionId: number; tool: string; arguments: Record<string, unknown> }[];
  executions: { questionId: number; label: string; result: ExecutionResult }[];
  verifications: number;
  learned: { questionId: number; label: string; succeeded: boolean }[];
  demoted: string[];
  dismissed: { reason: string; actor: string | undefined }[];
  snoozed: number[];
  suppressed: number;
  instructions: string[];
  /** What each `propose` was told: the fixes tried for the incident that did not work. */
  proposeRequests: { failed: FailedAttempt[] }[];
  /** Every port call by name, in order. */
  calls: string[];
  /** The decision desk's side: records the answer to a question before the flow is resumed with it. */
  decide(questionId: number, answer: Answer): void;
  question(id: number): AskedQuestion;
}

const snapshotDefaults: IncidentSnapshot = {
  id: 7,
  title: 'PostgresDown',
  alertLines: ['🔥 PostgresDown · pod=postgres-0 · namespace=prod'],
  flapping: false,
  facts: {},
  resolved: false,
  suppressed: false,
};

/**
 * The incident flow's ports in memory, with the same contracts as bot/flow/ports/: a question asked
 * twice with one key is asked once, a notice posted twice with one key is posted once, an option runs
 * only the calls its answered question showed, and each question's calls run at most once.
 */
export function createInMemoryIncidentPorts(setup: InMemorySetup = {}): InMemoryIncidentPorts {
  const incident: IncidentSnapshot = { ...snapshotDefaults, ...setup.snapshot };
  const proposals = setup.proposals ?? [{ diagnosis: 'The database pod is not ready.', options: [] }];
  let proposed = 0;
  const executed = new Map<number, ExecutionResult>();

  function addQuestion(request: QuestionRequest & { askKey: string }): number {
    const existing = world.questions.find((question) => question.askKey === request.askKey);
    if (existing) return existing.id;
    const id = 100 + world.questions.length;
    world.questions.push({ ...request, id });
    return id;
  }

  /** The calls the answered question showed on the chosen option: the only ones that may run (bot/flow/approved-calls.ts). */
  function approvedCalls(questionId: number): ToolCall[] | undefined {
    const question = world.questions.find((candidate) => candidate.id === questionId);
    const answer = question?.decided;
    if (!question || answer?.kind !== 'option') return undefined;
    const shown: ChatOption | undefined = question.options.find((option) => option.number === answer.option);
    return shown?.calls;
  }

  function runTools(questionId: number, calls: ToolCall[]): ExecutionResult {
    const outputs: string[] = [];
    for (const call of calls) {
      world.toolRuns.push({ questionId, tool: call.tool, arguments: call.arguments });
      const behaviour = setup.tools?.[call.tool] ?? { ok: true, text: `${call.tool} done` };
      if (behaviour === 'interrupted') return { status: 'interrupted' };
      if (!behaviour.ok) return { status: 'failed', error: behaviour.error };
      outputs.push(behaviour.text);
    }
    return { status: 'succeeded', output: outputs.join('\n') };
  }

  const ports: IncidentFlowPorts = {
    snapshot(incidentId) {
      world.calls.push('snapshot');
      return Promise.resolve(incidentId === incident.id ? { ...incident } : undefined);
    },
    suppressed() {
      world.calls.push('suppressed');
      world.suppressed += 1;
      return Promise.resolve();
    },
    triage() {
      world.calls.push('triage');
      if (typeof setup.triage === 'function') return setup.triage();
      return Promise.resolve(setup.triage ?? { problem: true, reason: 'Postgres is down.', ask: true });
    },
    ...(setup.investigate
      ? {
          investigate(_snapshot: IncidentSnapshot, request: { deep: boolean }) {
            world.calls.push('investigate');
            return Promise.resolve(setup.investigate!(request));
          },
        }
      : {}),
    propose(_snapshot, request) {
      world.calls.push('propose');
      world.proposeRequests.push({ failed: structuredClone([...request.failed]) });
      const proposal = proposals[Math.min(proposed, proposals.length - 1)]!;
      proposed += 1;
      return Promise.resolve(proposal);
    },
    plan(_snapshot, instruction) {
      world.calls.push('plan');
      world.instructions.push(instruction);
      return Promise.resolve(setup.plan ? setup.plan(instruction) : { ok: false, reason: 'No allowed tool does that' });
    },
    ask(question) {
      world.calls.push(`ask ${question.kind}`);
      return Promise.resolve(addQuestion(question));
    },
    notify(_incidentId, notice, key) {
      world.calls.push('notify');
      if (!world.notices.some((posted) => posted.key === key))
        world.notices.push({ key, title: notice.title, body: notice.body });
      return Promise.resolve();
    },
    execute(_incidentId, questionId, option: FlowOption) {
      world.calls.push('execute');
      const done = executed.get(questionId);
      if (done) return Promise.resolve(done);
      const calls = callsOf(option);
      const approved = approvedCalls(questionId);
      const result: ExecutionResult =
        calls.length === 0
          ? { status: 'refused', reason: 'This option runs no tool.' }
          : !approved || !isDeepStrictEqual(approved, calls)
            ? { status: 'refused', reason: 'Nothing was run: the calls differ from the ones approved' }
            : runTools(questionId, calls);
      executed.set(questionId, result);
      world.executions.push({ questionId, label: option.label, result });
      return Promise.resolve(result);
    },
    startVerification() {
      world.calls.push('startVerification');
      world.verifications += 1;
      return Promise.resolve();
    },
    learn(_incidentId, questionId, option, succeeded) {
      world.calls.push('learn');
      world.learned.push({ questionId, label: option.label, succeeded });
      return Promise.resolve();
    },
    autoFix(snapshot, run) {
      world.calls.push('autoFix');
      const auto = setup.autoFix;
      if (!auto || !('option' in auto)) return Promise.resolve(auto);
      // Steward decides it like a person would: a question that shows the calls, answered with option 1.
      const questionId = addQuestion({
        incidentId: snapshot.id,
        kind: 'solution',
        title: 'runs on its own',
        body: '',
        replyHint: '',
        askKey: `auto:${run}`,
        options: [{ number: 1, label: auto.option.label, calls: callsOf(auto.option) }],
      });
      world.decide(questionId, { kind: 'option', option: 1, label: auto.option.label });
      return Promise.resolve({ ...auto, questionId });
    },
    demote(_incidentId, option) {
      world.calls.push('demote');
      if (option.runbook) world.demoted.push(option.runbook.id);
      return Promise.resolve();
    },
    dismiss(_incidentId, reason, actor) {
      world.calls.push('dismiss');
      world.dismissed.push({ reason, actor });
      return Promise.resolve();
    },
    snooze(_incidentId, durationMs) {
      world.calls.push('snooze');
      world.snoozed.push(durationMs);
      return Promise.resolve();
    },
  };
  const world: InMemoryIncidentPorts = {
    ports,
    incident,
    questions: [],
    notices: [],
    toolRuns: [],
    executions: [],
    verifications: 0,
    learned: [],
    demoted: [],
    dismissed: [],
    snoozed: [],
    suppressed: 0,
    instructions: [],
    proposeRequests: [],
    calls: [],
    decide(questionId, answer) {
      world.question(questionId).decided = answer;
    },
    question(id) {
      const found = world.questions.find((question) => question.id === id);
      if (!found) throw new Error(`no question ${id} was asked`);
      return found;
    },
  };
  return world;
}
