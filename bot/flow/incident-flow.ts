import { Command } from '@langchain/langgraph';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import { buildIncidentGraph, type Pending, type ResumeValue } from '../../graphs/incident/build-incident-graph.ts';
import type { IncidentFlowPorts } from '../../graphs/incident/ports.ts';
import type { IncidentChange, IncidentDispatcher } from '../../graphs/incident-changes.ts';
import type { Decision, DecisionListener } from '../../graphs/questions.ts';
import type { Coordination, Lock } from '../coordination/index.ts';
import { checkpointSchema } from '../db/migrate.ts';
import { createDecisionRepository } from '../db/repositories/decisions.ts';
import { createIncidentRepository } from '../db/repositories/incidents.ts';
import type { Pool } from '../db/pool.ts';
import type { Logger } from '../logging/index.ts';
import { createPeriodicTask } from '../tasks/periodic-task.ts';

export const VERIFY_QUEUE = 'verify-deadlines';
export const SNOOZE_QUEUE = 'snoozed-incidents';
const LOCK_TTL_MS = 10_000;

export interface IncidentFlowOptions {
  pool: Pool;
  ports: IncidentFlowPorts;
  coordination: Coordination;
  logger: Logger;
  /** Marks questions past their time expired (once, on one replica) and says so; returns them. */
  expireQuestions: () => Promise<{ questionId: number; incidentId: number | undefined }[]>;
  /** How often due verification deadlines and snoozes are looked for (default 1 s). */
  pollMs?: number;
  /** A run that could not start (the coordination store down): kept to be handed over again. */
  onStartFailed?: (change: IncidentChange, error: unknown) => Promise<void>;
}

/**
 * Runs the incident graph: one LangGraph thread per incident (thread_id = incident id), checkpointed
 * in PostgreSQL with durability "sync". LangGraph does not stop two replicas resuming one thread, so
 * every start and resume holds a per-incident lock in the coordination store and resumes only the
 * interrupt it was meant for, by id (a late or duplicate answer never lands on a later question).
 * The first answer to a question is decided by the decisions claim row before it gets here.
 */
export function createIncidentFlow(options: IncidentFlowOptions): IncidentDispatcher &
  DecisionListener & {
    start(incidentId: number): Promise<void>;
    recover(): Promise<number>;
    runState(incidentId: number): Promise<{ next: string[]; outcome: string | undefined; run: number | undefined }>;
    pollDue(): Promise<void>;
    startPolling(): void;
    stop(): Promise<void>;
    idle(): Promise<void>;
    take(change: IncidentChange): Promise<boolean>;
  } {
  const graph = buildIncidentGraph(
    options.ports,
    new PostgresSaver(options.pool, undefined, { schema: checkpointSchema }),
  );
  const config = (incidentId: number) => ({
    configurable: { thread_id: String(incidentId) },
    durability: 'sync' as const,
  });

  /** The last step of each incident queued in this process: it resolves when that step is done. */
  const localTails = new Map<number, Promise<void>>();

  /**
   * One run step at a time per incident, across replicas. Steps in this process queue here first and
   * take the shared lock in turn, so a resume that comes while this process's own run still holds the
   * lock (an answer right after its question went out) goes on the moment that step ends, instead of
   * polling for it.
   */
  async function withLock<T>(incidentId: number, work: () => Promise<T>): Promise<T> {
    const previous = localTails.get(incidentId) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = previous.then(() => mine);
    localTails.set(incidentId, tail);
    await previous;
    try {
      return await withSharedLock(incidentId, work);
    } finally {
      done();
      if (localTails.get(incidentId) === tail) localTails.delete(incidentId);
    }
  }

  /**
   * The lock in the coordination store, for other replicas. It is short and kept alive while the step
   * runs, so a replica that dies holding it (kill -9) blocks the incident for seconds, not minutes.
   */
  async function withSharedLock<T>(incidentId: number, work: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + 60_000;
    let lock: Lock | undefined;
    while (!(lock = await options.coordination.acquireLock(`incident-flow:${incidentId}`, LOCK_TTL_MS))) {
      if (Date.now() > deadline) throw new Error(`incident ${incidentId} stayed locked for a minute`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const held = lock;
    const keepAlive = setInterval(() => void held.extend(LOCK_TTL_MS).catch(() => undefined), LOCK_TTL_MS / 3);
    try {
      return await work();
    } finally {
      clearInterval(keepAlive);
      await held.release();
    }
  }

  const inFlight = new Set<Promise<void>>();

  /**
   * Whether a run is under way. Not `next` alone: LangGraph leaves a step that finished and saved its
   * writes out of `next` until the following checkpoint, and a crash can fall in between.
   */
  const underWay = (state: { next: readonly string[]; tasks: readonly unknown[] }) =>
    state.next.length > 0 || state.tasks.length > 0;

  async function pendingInterrupts(incidentId: number): Promise<{ id: string; value: Pending }[]> {
    const state = await graph.getState(config(incidentId));
    return state.tasks
      .flatMap((task) => task.interrupts)
      .filter(
        (item): item is { id: string; value: Pending } => typeof item.id === 'string' && item.value !== undefined,
      );
  }

  /** Starts a run unless one is waiting already (Alertmanager HA sends twins; a reopen starts the next run). */
  async function start(incidentId: number): Promise<void> {
    await withLock(incidentId, async () => {
      const state = await graph.getState(config(incidentId));
      if (underWay(state)) return;
      const run = ((state.values as { run?: number }).run ?? 0) + 1;
      await graph.invoke({ incidentId, run }, config(incidentId));
    });
  }

  /**
   * A run that stopped between steps (the process died after a step's checkpoint and before the
   * next) goes on to its next wait. Returns whether it was stopped like that.
   */
  async function driveOn(incidentId: number): Promise<boolean> {
    const state = await graph.getState(config(incidentId));
    const waiting = state.tasks.some((task) => task.interrupts.length > 0);
    if (!underWay(state) || waiting) return false;
    await graph.invoke(null, config(incidentId));
    return true;
  }

  async function resume(
    incidentId: number,
    value: ResumeValue,
    matches: (pending: Pending) => boolean,
  ): Promise<boolean> {
    return withLock(incidentId, async () => {
      let pending = (await pendingInterrupts(incidentId)).find((item) => matches(item.value));
      // The question may have gone out just before a crash, with the wait not yet recorded.
      if (!pending && (await driveOn(incidentId)))
        pending = (await pendingInterrupts(incidentId)).find((item) => matches(item.value));
      if (!pending) return false;
      await graph.invoke(new Command({ resume: { [pending.id]: value } }), config(incidentId));
      return true;
    });
  }

  async function guarded(what: string, incidentId: number, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      options.logger.error({ err: error, incidentId, step: what }, 'incident flow step failed');
    }
  }

  /**
   * After a crash, every live incident's run that stopped between steps is driven on to its next
   * wait (one that stopped inside `execute` finds its action row still `started`, runs nothing, and
   * asks the human), and a run still waiting for a question that was answered meanwhile (the process
   * died between storing the answer and resuming) gets that answer. No approval is lost. An open
   * incident with no run at all (stored just before the crash) starts its run. Returns how many runs
   * were driven on.
   */
  async function recover(): Promise<number> {
    let driven = 0;
    let unstarted = 0;
    for (const incidentId of await createIncidentRepository(options.pool).needingRecovery()) {
      await guarded('recover', incidentId, () =>
        withLock(incidentId, async () => {
          if (await driveOn(incidentId)) driven += 1;
        }),
      );
      // Stored, but the process died before its run began (between intake's commit and the flow's
      // first checkpoint): nobody would ever be asked. Its run starts now, in the background.
      const state = await graph.getState(config(incidentId));
      if ((state.values as { run?: number }).run === undefined && !underWay(state)) {
        unstarted += 1;
        background('start after a crash', incidentId, () => start(incidentId));
      }
      for (const pending of await pendingInterrupts(incidentId)) {
        if (pending.value.kind !== 'answer') continue;
        const questionId = pending.value.questionId;
        const decision = await createDecisionRepository(options.pool).forQuestion(questionId);
        if (!decision) continue;
        await guarded('recover answer', incidentId, async () => {
          if (
            await resume(
              incidentId,
              { questionId, answer: decision.answer, actor: decision.actor },
              (item) => item.kind === 'answer' && item.questionId === questionId,
            )
          )
            driven += 1;
        });
      }
    }
    if (driven > 0) options.logger.warn({ runs: driven }, 'runs that stopped in a crash were driven on');
    if (unstarted > 0)
      options.logger.warn(
        { incidents: unstarted },
        'incidents stored just before a crash, never asked about, start now',
      );
    return driven;
  }

  async function pollDue(): Promise<void> {
    const now = new Date();
    for (const item of await options.coordination.takeDue(VERIFY_QUEUE, now)) {
      const incidentId = Number(item.member);
      await guarded('verification window ended', incidentId, () =>
        resume(incidentId, { resolved: false }, (pending) => pending.kind === 'verification'),
      );
    }
    for (const expired of await options.expireQuestions()) {
      if (expired.incidentId === undefined) continue;
      const incidentId = expired.incidentId;
      await guarded('question expired', incidentId, () =>
        resume(
          incidentId,
          { withdrawn: 'expired' },
          (pending) => pending.kind === 'answer' && pending.questionId === expired.questionId,
        ),
      );
    }
    for (const item of await options.coordination.takeDue(SNOOZE_QUEUE, now)) {
      const incidentId = Number(item.member);
      await guarded('snooze ended', incidentId, () => start(incidentId));
    }
  }

  function background(what: string, incidentId: number, work: () => Promise<unknown>): void {
    const running: Promise<void> = guarded(what, incidentId, work).finally(() => inFlight.delete(running));
    inFlight.add(running);
  }

  /**
   * Opened and reopened incidents start a run; a resolution ends the verification it was waiting
   * for, or the question it withdrew. Returns whether a run took the change (then the run says what
   * happened; otherwise the caller may).
   */
  async function take(change: IncidentChange): Promise<boolean> {
    let taken = false;
    if (change.kind === 'opened' || change.kind === 'reopened') {
      // In the background: triage may wait on a model, and the webhook must be answered now.
      background('start', change.incidentId, () =>
        start(change.incidentId).catch(async (error: unknown) => {
          await options.onStartFailed?.(change, error);
          throw error;
        }),
      );
      return true;
    }
    if (change.kind !== 'resolved') return false;
    await options.coordination.cancel(VERIFY_QUEUE, String(change.incidentId));
    await options.coordination.cancel(SNOOZE_QUEUE, String(change.incidentId));
    const withdrawn = new Set(change.withdrawnQuestions);
    await guarded('resolved', change.incidentId, async () => {
      if (withdrawn.size > 0)
        taken = await resume(
          change.incidentId,
          { withdrawn: 'resolved' },
          (pending) => pending.kind === 'answer' && withdrawn.has(pending.questionId),
        );
      if (!taken)
        taken = await resume(change.incidentId, { resolved: true }, (pending) => pending.kind === 'verification');
    });
    return taken;
  }

  const poller = createPeriodicTask(pollDue, {
    everyMs: options.pollMs ?? 1_000,
    onError: (error) => options.logger.warn({ err: error }, 'incident flow timers failed; retrying'),
  });

  return {
    start,
    recover,
    /** Where a run stands: the nodes it waits at, and its outcome once it has one (status, tests). */
    async runState(
      incidentId: number,
    ): Promise<{ next: string[]; outcome: string | undefined; run: number | undefined }> {
      const state = await graph.getState(config(incidentId));
      const values = state.values as { outcome?: string; run?: number };
      return { next: [...state.next], outcome: values.outcome, run: values.run };
    },
    pollDue,
    startPolling: poller.start,
    async stop() {
      await poller.stop();
      // Until none is left: a decision or change handed over while we wait adds a run, and every
      // run must be done before the pools close under it.
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    /** Resolves when every background resume has finished (tests, shutdown). */
    idle: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },

    async dispatch(change: IncidentChange): Promise<void> {
      await take(change);
    },
    take,

    /**
     * Resumes in the background: the answer is stored already, and a button click or a chat message
     * should not wait for a tool to finish. `stop()` waits for resumes in flight.
     */
    onDecision(decision: Decision): Promise<void> {
      if (decision.incidentId === undefined) return Promise.resolve();
      const incidentId = decision.incidentId;
      background('resume', incidentId, async () => {
        const resumed = await resume(
          incidentId,
          { questionId: decision.questionId, answer: decision.answer, actor: decision.actor },
          (pending) => pending.kind === 'answer' && pending.questionId === decision.questionId,
        );
        if (!resumed)
          options.logger.info(
            { incidentId, questionId: decision.questionId },
            'decision recorded; no run was waiting for it',
          );
      });
      return Promise.resolve();
    },
  };
}

export type IncidentFlow = ReturnType<typeof createIncidentFlow>;
