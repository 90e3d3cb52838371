import { Annotation, END, START, StateGraph, interrupt, type BaseCheckpointSaver } from '@langchain/langgraph';
import type { Findings } from '../findings.ts';
import {
  actionNotDone,
  actionRan,
  fixComplete,
  issueDetected,
  nextTime,
  noPlan,
  notFixed,
  planProposed,
  solutionsFound,
} from '../messages.ts';
import { describeAnswer, type Answer } from '../questions.ts';
import { describeCalls } from '../tool-call.ts';
import { arrangeAfterFailures, attemptsRepeated, failedAttempt } from './failed-attempts.ts';
import { callsOf, type ExecutionResult, type FailedAttempt, type FlowOption, type IncidentFlowPorts } from './ports.ts';

/** What the flow waits for at an interrupt. */
export type Pending = { kind: 'answer'; questionId: number } | { kind: 'verification' };

/** What a resume brings: an answer to the pending question, its withdrawal, or the verification's end. */
export type ResumeValue =
  { questionId: number; answer: Answer; actor: string } | { withdrawn: 'resolved' | 'expired' } | { resolved: boolean };

const HOUR = 3_600_000;

export const IncidentState = Annotation.Root({
  incidentId: Annotation<number>(),
  /** Which run of this incident's thread (a reopened or snoozed incident runs again): keys its questions. */
  run: Annotation<number>(),
  verdict: Annotation<string | undefined>(),
  /** False when the autonomy mode skips "Is this a problem?" (a known pattern, or a confident triage). */
  askProblem: Annotation<boolean | undefined>(),
  problemQuestion: Annotation<number | undefined>(),
  answer: Annotation<(Answer & { actor: string }) | undefined>(),
  instruction: Annotation<string | undefined>(),
  diagnosis: Annotation<string>(),
  /** Steward's own remarks for the options question: no model, options not offered and why. */
  notes: Annotation<string[] | undefined>(),
  /** What the last investigation found, and whether a question has shown it yet. */
  findings: Annotation<Findings | undefined>(),
  findingsFresh: Annotation<boolean | undefined>(),
  /** Why a promoted runbook that matched did not run on its own (said with the options). */
  autoDeclined: Annotation<string | undefined>(),
  options: Annotation<FlowOption[]>(),
  round: Annotation<number>(),
  choiceQuestion: Annotation<number | undefined>(),
  /** A `custom:` plan waiting for approval, and the question that shows it. */
  plan: Annotation<FlowOption | undefined>(),
  planQuestion: Annotation<number | undefined>(),
  chosen: Annotation<FlowOption | undefined>(),
  /** Fixes tried in this run that did not work (their tool failed, or the alerts stayed): the next research weighs them. */
  failed: Annotation<FailedAttempt[] | undefined>(),
  execution: Annotation<ExecutionResult | undefined>(),
  executedAt: Annotation<string | undefined>(),
  verified: Annotation<boolean | undefined>(),
  before: Annotation<string>(),
  /** Set when a promoted runbook ran without asking: how loudly. */
  auto: Annotation<'auto_notify' | 'auto_silent' | undefined>(),
  outcome: Annotation<
    'fixed' | 'dismissed' | 'snoozed' | 'resolved on its own' | 'expired' | 'suppressed' | undefined
  >(),
});

type State = typeof IncidentState.State;
type Update = typeof IncidentState.Update;

/**
 * One incident, from alert to verified fix (../README.md): assess → ask whether it is a problem
 * (unless the autonomy mode skips it, or a promoted runbook runs at once) → research → post the
 * options → wait for a choice → execute → verify → report → ask "Next time?". `custom:` at either
 * question makes a plan → posts it → waits for its approval → executes it like a chosen option.
 * A fix that failed (its tool, or the verification) is remembered for the run: research is told it,
 * and a runbook fix whose tool failed looks deeper and researches again instead of re-asking it.
 * Every message is posted in a node of its own before the node that waits (`interrupt()` re-runs
 * its node on resume), and every post is keyed so that a re-run after a crash posts nothing twice.
 */
export function buildIncidentGraph(ports: IncidentFlowPorts, checkpointer: BaseCheckpointSaver) {
  async function snapshotOf(state: State) {
    const snapshot = await ports.snapshot(state.incidentId);
    if (!snapshot) throw new Error(`incident ${state.incidentId} does not exist`);
    return snapshot;
  }

  /** A new run (a reopened or snoozed incident) starts clean: nothing of the last run's answers counts. */
  const freshRun: Update = {
    verdict: undefined,
    askProblem: undefined,
    problemQuestion: undefined,
    answer: undefined,
    instruction: undefined,
    options: [],
    diagnosis: '',
    notes: undefined,
    findings: undefined,
    findingsFresh: undefined,
    autoDeclined: undefined,
    round: 0,
    choiceQuestion: undefined,
    plan: undefined,
    planQuestion: undefined,
    chosen: undefined,
    failed: undefined,
    execution: undefined,
    executedAt: undefined,
    verified: undefined,
    auto: undefined,
    outcome: undefined,
  };

  const assess = async (state: State): Promise<Update> => {
    const snapshot = await snapshotOf(state);
    if (snapshot.suppressed) {
      await ports.suppressed(snapshot);
      return { ...freshRun, outcome: 'suppressed' };
    }
    const auto = await ports.autoFix(snapshot, state.run);
    if (auto && 'option' in auto)
      return {
        ...freshRun,
        before: snapshot.alertLines.join('\n'),
        options: [auto.option],
        chosen: auto.option,
        choiceQuestion: auto.questionId,
        auto: auto.level,
      };
    // The first look: triage and the investigation need nothing from each other, so they run side by
    // side (in a storm the first question waits for the longer of the two, not for both).
    // Both settle before the step ends, even when one fails: an investigation must not go on spending
    // its budget beside the step's retry.
    const [triaged, looked] = await Promise.allSettled([
      ports.triage(snapshot),
      ports.investigate?.(snapshot, { deep: false }),
    ]);
    if (triaged.status === 'rejected') throw triaged.reason;
    if (looked.status === 'rejected') throw looked.reason;
    const [triage, findings] = [triaged.value, looked.value];
    return {
      ...freshRun,
      verdict: triage.degraded ? undefined : triage.reason,
      askProblem: triage.ask,
      before: snapshot.alertLines.join('\n'),
      autoDeclined: auto?.asks,
      ...(findings ? { findings, findingsFresh: true } : { findingsFresh: false }),
    };
  };

  /**
   * Evidence again: for `Investigate`, and after a fix that did not work (then it looks deeper). A node
   * of its own, so its calls do not re-run when a question's interrupt resumes. The first look is
   * part of `assess`.
   */
  const investigateNode = async (state: State): Promise<Update> => {
    if (!ports.investigate) return {};
    const snapshot = await snapshotOf(state);
    const deep = state.verified === false || state.execution?.status === 'failed';
    const findings = await ports.investigate(snapshot, { deep });
    return findings ? { findings, findingsFresh: true } : { findingsFresh: false };
  };

  /** Findings go on the first question after the investigation, once. */
  const freshFindings = (state: State) => (state.findingsFresh ? { findings: state.findings } : {});

  const postProblem = async (state: State): Promise<Update> => {
    const snapshot = await snapshotOf(state);
    const question = issueDetected({
      id: snapshot.id,
      title: snapshot.title,
      alertLines: snapshot.alertLines,
      flapping: snapshot.flapping,
      ...(state.verdict ? { verdict: state.verdict } : {}),
      ...freshFindings(state),
    });
    return { findingsFresh: false, problemQuestion: await ports.ask({ ...question, askKey: `problem:${state.run}` }) };
  };

  const awaitAnswer =
    (field: 'problemQuestion' | 'choiceQuestion' | 'planQuestion') =>
    (state: State): Update => {
      const value = interrupt<Pending, ResumeValue>({ kind: 'answer', questionId: state[field]! });
      if ('withdrawn' in value) return { outcome: value.withdrawn === 'expired' ? 'expired' : 'resolved on its own' };
      if (!('answer' in value)) return {};
      return { answer: { ...value.answer, actor: value.actor } };
    };

  /** The options, from runbooks or a model; after fixes failed, the proposal is told what was tried and how it failed. */
  const research = async (state: State): Promise<Update> => {
    const snapshot = await snapshotOf(state);
    const proposal = await ports.propose(snapshot, { failed: state.failed ?? [] });
    const notes = [state.autoDeclined, ...(proposal.notes ?? []), proposal.degraded].filter((note): note is string =>
      Boolean(note),
    );
    return { options: proposal.options, diagnosis: proposal.diagnosis, notes, auto: undefined };
  };

  /** `custom:` — the owner's instruction becomes a plan; nothing runs until it is approved. */
  const makePlan = async (state: State): Promise<Update> => {
    const instruction = state.answer?.kind === 'custom' ? state.answer.instruction : '';
    const snapshot = await snapshotOf(state);
    const planned = await ports.plan(snapshot, instruction);
    if (planned.ok) return { plan: planned.option, instruction };
    await ports.notify(
      state.incidentId,
      noPlan(state.incidentId, instruction, planned.reason),
      `plan-refused:${state.run}:${state.round ?? 0}`,
    );
    return { plan: undefined, instruction: undefined };
  };

  const postPlan = async (state: State): Promise<Update> => {
    const snapshot = await snapshotOf(state);
    const round = (state.round ?? 0) + 1;
    const plan = state.plan!;
    const question = planProposed(
      { id: snapshot.id, title: snapshot.title },
      { instruction: state.instruction ?? '', summary: plan.label, steps: plan.steps ?? [] },
    );
    return {
      round,
      answer: undefined,
      instruction: undefined,
      planQuestion: await ports.ask({ ...question, askKey: `plan:${state.run}:${round}` }),
    };
  };

  /**
   * After fixes failed, every options question says what was tried and how it failed: a fix that did
   * not resolve the alerts is not offered again, and one whose tool failed comes after every untried
   * fix. The arranged options are kept, so an answer's number means what the question showed.
   */
  const postOptions = async (state: State): Promise<Update> => {
    const snapshot = await snapshotOf(state);
    const round = (state.round ?? 0) + 1;
    const failed = state.failed ?? [];
    const arranged = arrangeAfterFailures(state.options, failed);
    // Nobody was asked whether it is a problem: the options say why Steward thinks it is one.
    const why =
      state.askProblem === false && state.verdict && !arranged.options.some((option) => option.runbook)
        ? state.verdict
        : undefined;
    const question = solutionsFound(
      {
        id: snapshot.id,
        title: snapshot.title,
        alertLines: snapshot.alertLines,
        ...(state.diagnosis ? { diagnosis: state.diagnosis } : {}),
        ...(why ? { verdict: why } : {}),
        notes: [...arranged.notes, ...(state.notes ?? [])],
        ...freshFindings(state),
      },
      arranged.options.map((option) => {
        const calls = callsOf(option);
        return {
          label: option.label,
          ...(calls.length > 0 ? { calls } : {}),
          ...(option.labelSource ? { labelSource: option.labelSource } : {}),
          ...(option.impact ? { impact: option.impact } : {}),
          ...(option.risk ? { risk: option.risk } : {}),
          ...(option.reversible !== undefined ? { reversible: option.reversible } : {}),
          ...(option.runbook ? { record: { successes: option.runbook.successes, chosen: option.runbook.chosen } } : {}),
        };
      }),
      defaultFor(arranged.options, failed),
    );
    return {
      options: arranged.options,
      round,
      answer: undefined,
      findingsFresh: false,
      choiceQuestion: await ports.ask({ ...question, askKey: `options:${state.run}:${round}` }),
    };
  };

  /** `approve` stands for option 1 when it runs something, and never for a fix that already failed here. */
  function defaultFor(options: readonly FlowOption[], failed: readonly FailedAttempt[]): number | undefined {
    const first = options[0];
    return first && callsOf(first).length > 0 && attemptsRepeated(first, failed).length === 0 ? 1 : undefined;
  }

  const choose = (state: State): Update => {
    const answer = state.answer;
    if (answer?.kind !== 'option') return { chosen: undefined };
    return { chosen: state.options[answer.option - 1] };
  };

  const execute = async (state: State): Promise<Update> => {
    const option = state.chosen!;
    const result = await ports.execute(state.incidentId, state.choiceQuestion!, option);
    const calls = callsOf(option);
    const key = `execute:${state.choiceQuestion}`; // one question, one execution: its key is unique
    if (result.status === 'succeeded') {
      await ports.startVerification(state.incidentId);
      const runbook = state.auto && option.runbook ? option.runbook.id : undefined;
      if (state.auto !== 'auto_silent')
        await ports.notify(state.incidentId, actionRan(state.incidentId, calls, result.output, runbook), key);
      return { execution: result, executedAt: new Date().toISOString(), verified: undefined };
    }
    const why = result.status === 'refused' ? result.reason : result.status === 'failed' ? result.error : '';
    await ports.notify(state.incidentId, actionNotDone(state.incidentId, calls, result.status, why), key);
    if (result.status !== 'failed') return { execution: result };
    return { execution: result, failed: [...(state.failed ?? []), failedAttempt(option, 'tool failed', result.error)] };
  };

  const awaitVerification = async (state: State): Promise<Update> => {
    if ((await snapshotOf(state)).resolved) return { verified: true };
    const value = interrupt<Pending, ResumeValue>({ kind: 'verification' });
    return { verified: 'resolved' in value ? value.resolved : false };
  };

  const report = async (state: State): Promise<Update> => {
    const snapshot = await snapshotOf(state);
    const calls = state.chosen ? callsOf(state.chosen) : [];
    if (state.chosen) await ports.learn(state.incidentId, state.choiceQuestion!, state.chosen, state.verified === true);
    if (state.verified && state.auto === 'auto_silent') return { outcome: 'fixed' }; // shown in the report only
    if (!state.verified && state.auto && state.chosen) await ports.demote(state.incidentId, state.chosen);
    if (state.verified) {
      const tookMs = state.executedAt ? Date.now() - Date.parse(state.executedAt) : 0;
      await ports.notify(
        state.incidentId,
        fixComplete(
          { id: snapshot.id, title: snapshot.title },
          {
            action: describeCalls(calls),
            tookMs,
            before: state.before || 'alerts firing',
            after: 'every alert resolved',
          },
        ),
        `report:${state.choiceQuestion}`,
      );
      return { outcome: 'fixed' };
    }
    await ports.notify(
      state.incidentId,
      notFixed({ id: snapshot.id, title: snapshot.title }, calls),
      `report:${state.choiceQuestion}`,
    );
    // The next research is told that this fix ran and the alerts stayed.
    return state.chosen ? { failed: [...(state.failed ?? []), failedAttempt(state.chosen, 'not resolved')] } : {};
  };

  const learn = async (state: State): Promise<Update> => {
    const calls = state.chosen ? callsOf(state.chosen) : [];
    const what = calls.length > 0 ? describeCalls(calls) : 'this fix';
    await ports.ask({ ...nextTime({ id: state.incidentId }, what), askKey: `next-time:${state.run}` });
    return {};
  };

  const dismiss = async (state: State): Promise<Update> => {
    await ports.dismiss(state.incidentId, state.answer ? describeAnswer(state.answer) : 'ignored', state.answer?.actor);
    return { outcome: 'dismissed' };
  };

  const snooze = async (state: State): Promise<Update> => {
    const answer = state.answer;
    const ms = answer?.kind === 'snooze' ? answer.durationMs : HOUR;
    await ports.snooze(state.incidentId, ms);
    return { outcome: 'snoozed' };
  };

  /** After the first look: "Is this a problem?", unless the autonomy mode skips it; otherwise the options. */
  function firstQuestion(state: State): 'post_problem' | 'research' {
    return state.problemQuestion === undefined && state.askProblem !== false && state.chosen === undefined
      ? 'post_problem'
      : 'research';
  }

  /** The options again, or research first when there are none yet (a plan asked for at the first question). */
  function backToOptions(state: State): 'post_options' | 'research' {
    return state.options.length > 0 ? 'post_options' : 'research';
  }

  /** Where an answer leads, for both questions. */
  function afterAnswer(state: State, onYes: 'research' | 'execute'): string {
    if (state.outcome) return END;
    const answer = state.answer;
    if (!answer) return END;
    if (answer.kind === 'ignore') return 'dismiss';
    if (answer.kind === 'snooze') return 'snooze';
    if (answer.kind === 'custom') return 'make_plan';
    if (onYes === 'research') return answer.option === 1 ? 'research' : answer.option === 2 ? 'dismiss' : 'snooze';
    return 'choose';
  }

  const graph = new StateGraph(IncidentState)
    .addNode('assess', assess)
    .addNode('post_problem', postProblem)
    .addNode('await_problem', awaitAnswer('problemQuestion'))
    .addNode('make_plan', makePlan)
    .addNode('post_plan', postPlan)
    .addNode('await_plan', awaitAnswer('planQuestion'))
    .addNode('approve_plan', (state: State): Update => ({ chosen: state.plan, choiceQuestion: state.planQuestion }))
    .addNode('investigate', investigateNode)
    .addNode('research', research)
    .addNode('post_options', postOptions)
    .addNode('await_choice', awaitAnswer('choiceQuestion'))
    .addNode('choose', choose)
    .addNode('execute', execute)
    .addNode('await_verification', awaitVerification)
    .addNode('report', report)
    .addNode('learn', learn)
    .addNode('dismiss', dismiss)
    .addNode('snooze', snooze)
    .addEdge(START, 'assess')
    // The first time, "Is this a problem?" (unless the autonomy mode skips it); after a choice or a fix, the options.
    .addConditionalEdges(
      'assess',
      (state: State) => (state.outcome === 'suppressed' ? END : state.auto ? 'execute' : firstQuestion(state)),
      ['post_problem', 'research', 'execute', END],
    )
    // A later look (`Investigate`, a fix that did not work) always follows a choice: the options again.
    .addEdge('investigate', 'research')
    .addEdge('post_problem', 'await_problem')
    .addConditionalEdges('await_problem', (state: State) => afterAnswer(state, 'research'), [
      'research',
      'dismiss',
      'snooze',
      'make_plan',
      END,
    ])
    .addConditionalEdges('make_plan', (state: State) => (state.plan ? 'post_plan' : backToOptions(state)), [
      'post_plan',
      'post_options',
      'research',
    ])
    .addEdge('post_plan', 'await_plan')
    .addConditionalEdges(
      'await_plan',
      (state: State) => {
        if (state.outcome || !state.answer) return END;
        if (state.answer.kind === 'option') return state.answer.option === 1 ? 'approve_plan' : backToOptions(state);
        return afterAnswer(state, 'execute');
      },
      ['approve_plan', 'post_options', 'research', 'dismiss', 'snooze', 'make_plan', END],
    )
    .addEdge('approve_plan', 'execute')
    .addEdge('research', 'post_options')
    .addEdge('post_options', 'await_choice')
    .addConditionalEdges('await_choice', (state: State) => afterAnswer(state, 'execute'), [
      'choose',
      'dismiss',
      'snooze',
      'make_plan',
      END,
    ])
    .addConditionalEdges(
      'choose',
      (state: State) => {
        const option = state.chosen;
        if (!option) return 'post_options';
        if (option.generic === 'ignore') return 'dismiss';
        if (option.generic === 'snooze') return 'snooze';
        if (option.generic === 'investigate') return 'investigate';
        return 'execute';
      },
      ['post_options', 'dismiss', 'snooze', 'investigate', 'execute'],
    )
    // A runbook fix whose tool failed: look deeper and research again (a model is asked for new options).
    .addConditionalEdges(
      'execute',
      (state: State) => {
        if (state.execution?.status === 'succeeded') return 'await_verification';
        if (state.execution?.status === 'failed' && state.chosen?.runbook) return 'investigate';
        return backToOptions(state);
      },
      ['await_verification', 'investigate', 'post_options', 'research'],
    )
    .addEdge('await_verification', 'report')
    // An automatic fix that worked needs no "Next time?": it already runs on its own.
    .addConditionalEdges(
      'report',
      (state: State) => (state.outcome === 'fixed' ? (state.auto ? END : 'learn') : 'investigate'),
      ['learn', 'investigate', END],
    )
    .addEdge('learn', END)
    .addEdge('dismiss', END)
    .addEdge('snooze', END);

  return graph.compile({ checkpointer });
}

export type IncidentGraph = ReturnType<typeof buildIncidentGraph>;
