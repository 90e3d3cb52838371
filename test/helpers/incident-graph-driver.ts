import { Command, END, MemorySaver, START } from '@langchain/langgraph';
import { buildIncidentGraph, type Pending, type ResumeValue } from '../../graphs/incident/build-incident-graph.ts';
import type { Answer } from '../../graphs/questions.ts';
import type { AskedQuestion, InMemoryIncidentPorts } from './in-memory-incident-ports.ts';

export type Interrupt = { id: string; value: Pending };

/**
 * Drives the incident graph the way bot/flow/incident-flow.ts does, on a `MemorySaver`: one thread
 * per incident (thread_id = incident id), started with `{ incidentId, run }`, resumed with
 * `new Command({ resume: { [interruptId]: value } })` on the same thread. Every step taken is added
 * to `routes` as `from->to`, so a suite can check that it took every edge of the graph.
 */
export function driveIncidentGraph(world: InMemoryIncidentPorts, routes?: Set<string>) {
  const graph = buildIncidentGraph(world.ports, new MemorySaver());
  const config = { configurable: { thread_id: String(world.incident.id) } };
  /** The nodes that finished, in order, across every run of the thread; `__end__` where a run ended. */
  const path: string[] = [];
  let last: string = START;

  function step(to: string): void {
    routes?.add(`${last}->${to}`);
    path.push(to);
    last = to;
  }

  async function run(input: Parameters<typeof graph.stream>[0]): Promise<void> {
    for await (const chunk of await graph.stream(input, { ...config, streamMode: 'updates' })) {
      for (const node of Object.keys(chunk)) if (node !== '__interrupt__') step(node);
    }
    if ((await graph.getState(config)).next.length === 0) step(END);
  }

  async function interrupts(): Promise<Interrupt[]> {
    const state = await graph.getState(config);
    return state.tasks
      .flatMap((task) => task.interrupts)
      .filter((item): item is Interrupt => typeof item.id === 'string' && item.value !== undefined);
  }

  async function pending(): Promise<Interrupt> {
    const [waiting, ...more] = await interrupts();
    if (!waiting || more.length > 0)
      throw new Error(`expected one pending interrupt, found ${more.length + (waiting ? 1 : 0)}`);
    return waiting;
  }

  async function resume(interruptId: string, value: ResumeValue): Promise<void> {
    await run(new Command({ resume: { [interruptId]: value } }));
  }

  return {
    graph,
    path,
    interrupts,
    pending,
    resume,
    /** Starts a run (a reopened or snoozed incident starts the next run on the same thread). */
    async start(runNumber = 1): Promise<void> {
      last = START;
      await run({ incidentId: world.incident.id, run: runNumber });
    },
    /** The question the run waits on. */
    async waitingQuestion(): Promise<AskedQuestion> {
      const { value } = await pending();
      if (value.kind !== 'answer') throw new Error(`the run waits for ${value.kind}, not an answer`);
      return world.question(value.questionId);
    },
    /** Answers the pending question as the decision desk does: the answer is recorded first, then the run resumes. */
    async answer(answer: Answer, actor = 'alice'): Promise<void> {
      const { id, value } = await pending();
      if (value.kind !== 'answer') throw new Error(`the run waits for ${value.kind}, not an answer`);
      world.decide(value.questionId, answer);
      await resume(id, { questionId: value.questionId, answer, actor });
    },
    /** The pending question is withdrawn: its alert resolved, or it expired unanswered. */
    async withdraw(why: 'resolved' | 'expired'): Promise<void> {
      const { id, value } = await pending();
      if (value.kind !== 'answer') throw new Error(`the run waits for ${value.kind}, not an answer`);
      await resume(id, { withdrawn: why });
    },
    /** The verification window ends: the alerts resolved, or the deadline passed (`false`). */
    async endVerification(resolved: boolean): Promise<void> {
      const { id, value } = await pending();
      if (value.kind !== 'verification') throw new Error(`the run waits for ${value.kind}, not a verification`);
      await resume(id, { resolved });
    },
    async values() {
      return (await graph.getState(config)).values as Record<string, unknown>;
    },
    async finished(): Promise<boolean> {
      return (await graph.getState(config)).next.length === 0;
    },
  };
}

export type IncidentGraphDriver = ReturnType<typeof driveIncidentGraph>;

/** The answer to option `n` as the decision desk stores it, with the label the question showed. */
export function option(question: AskedQuestion, n: number): Answer {
  const shown = question.options.find((candidate) => candidate.number === n);
  return { kind: 'option', option: n, label: shown?.label ?? `option ${n}` };
}
