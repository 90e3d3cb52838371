import { Command } from '@langchain/langgraph';
import { describe, expect, it } from 'vitest';
import { option } from '../../helpers/incident-graph-driver.ts';
import { restart, scale, type Start } from './fixtures.ts';

/** What a chosen fix does: the run's outcome, the verification, the report and "Next time?". */
export function executionAndVerificationCases(start: Start): void {
  /** An incident whose owner said Yes and chose option `n`. */
  async function chose(n: number, setup?: Parameters<Start>[0]) {
    const started = start(setup);
    await started.flow.start();
    await started.flow.answer(option(await started.flow.waitingQuestion(), 1));
    const question = await started.flow.waitingQuestion();
    await started.flow.answer(option(question, n));
    return { ...started, question };
  }

  describe('execution', () => {
    it('a tool that fails: says what failed and why, and asks the options again', async () => {
      const { world, flow, question } = await chose(1, {
        tools: { kubectl_rollout_restart: { ok: false, error: 'deployment "postgres" not found' } },
      });
      expect(world.notices).toEqual([
        {
          key: `execute:${question.id}`,
          title: '❌ #7: kubectl_rollout_restart failed',
          body: 'deployment "postgres" not found\nCall: kubectl_rollout_restart · name=postgres · namespace=prod',
        },
      ]);
      expect(world.verifications).toBe(0);
      expect(world.learned).toEqual([]);
      expect(await flow.waitingQuestion()).toMatchObject({ askKey: 'options:1:2' });
    });

    it('a step found started after a crash: is not run again, and the owner chooses again', async () => {
      const { world, flow, question } = await chose(2, { tools: { kubectl_scale: 'interrupted' } });
      expect(world.executions).toEqual([
        { questionId: question.id, label: scale.label, result: { status: 'interrupted' } },
      ]);
      expect(world.notices[0]).toMatchObject({
        title: '❌ #7: kubectl_scale was interrupted',
        body: expect.stringContaining('it is not run again') as string,
      });
      expect(await flow.waitingQuestion()).toMatchObject({ askKey: 'options:1:2' });
    });

    it('the same answer resumed twice runs the fix once: a resume for an interrupt already consumed is ignored', async () => {
      const { world, flow } = start();
      await flow.start();
      await flow.answer(option(await flow.waitingQuestion(), 1));
      const question = await flow.waitingQuestion();
      const consumed = await flow.pending();
      const answer = { questionId: question.id, answer: option(question, 1), actor: 'alice' };
      await flow.answer(answer.answer);
      const waiting = await flow.pending();
      // As a second replica or a redelivered click would: the same answer, keyed by the consumed interrupt.
      await flow.resume(consumed.id, answer);
      expect(await flow.pending()).toEqual(waiting);
      expect(world.toolRuns).toHaveLength(1);
      expect(world.executions).toHaveLength(1);
    });
  });

  describe('verification', () => {
    it('resolved: reports the fix, hands it to the runbooks as a success, and asks "Next time?"', async () => {
      const { world, flow, question } = await chose(1);
      await flow.endVerification(true);
      expect(world.notices.at(-1)).toMatchObject({
        key: `report:${question.id}`,
        title: '✅ Complete: #7 PostgresDown',
        body: expect.stringContaining('Ran: kubectl_rollout_restart · name=postgres · namespace=prod') as string,
      });
      expect(world.learned).toEqual([{ questionId: question.id, label: restart.label, succeeded: true }]);
      const nextTime = world.questions.at(-1)!;
      expect(nextTime).toMatchObject({
        kind: 'autonomy',
        askKey: 'next-time:1',
        defaultOption: 2,
        body: 'Next time kubectl_rollout_restart · name=postgres · namespace=prod would fix it:',
      });
      expect(nextTime.options.map((shown) => shown.label)).toEqual(['Auto', 'Ask', 'Investigate']);
      expect(await flow.values()).toMatchObject({ outcome: 'fixed', verified: true });
      expect(flow.path.slice(-4)).toEqual(['await_verification', 'report', 'learn', '__end__']);
    });

    it('already resolved when verification starts: reports the fix without waiting', async () => {
      const { world, flow } = start();
      await flow.start();
      await flow.answer(option(await flow.waitingQuestion(), 1));
      const question = await flow.waitingQuestion();
      world.incident.resolved = true;
      await flow.answer(option(question, 1));
      expect(await flow.interrupts()).toEqual([]);
      expect(world.learned).toEqual([{ questionId: question.id, label: restart.label, succeeded: true }]);
      expect(flow.path.slice(-5)).toEqual(['execute', 'await_verification', 'report', 'learn', '__end__']);
    });

    it('the window ends just as the alerts resolve: the resolved snapshot wins over the deadline', async () => {
      const { world, flow, question } = await chose(1);
      world.incident.resolved = true;
      await flow.endVerification(false);
      expect(world.learned).toEqual([{ questionId: question.id, label: restart.label, succeeded: true }]);
      expect(await flow.values()).toMatchObject({ outcome: 'fixed' });
    });

    it('not resolved in the window: says so, counts a failure, and offers the other fixes (not the one that failed)', async () => {
      const { world, flow, question } = await chose(1);
      await flow.endVerification(false);
      expect(world.notices.at(-1)).toMatchObject({
        key: `report:${question.id}`,
        title: '❌ Not fixed: #7 PostgresDown',
      });
      expect(world.learned).toEqual([{ questionId: question.id, label: restart.label, succeeded: false }]);
      expect(world.demoted).toEqual([]);
      const again = await flow.waitingQuestion();
      expect(again).toMatchObject({ kind: 'solution', askKey: 'options:1:2' });
      expect(again.options.map((shown) => shown.label)).toEqual([
        'Scale postgres to 2 replicas',
        'Investigate further',
        'Snooze 1h',
        'Ignore',
      ]);
      expect(world.questions.some((asked) => asked.kind === 'autonomy')).toBe(false);
    });

    it('the second fix works after the first did not: verified under its own question', async () => {
      const { world, flow } = await chose(1);
      await flow.endVerification(false);
      const again = await flow.waitingQuestion();
      await flow.answer(option(again, 1));
      await flow.endVerification(true);
      expect(world.toolRuns.map((run) => [run.questionId, run.tool])).toEqual([
        [101, 'kubectl_rollout_restart'],
        [again.id, 'kubectl_scale'],
      ]);
      expect(world.learned.map((learned) => learned.succeeded)).toEqual([false, true]);
      expect(await flow.values()).toMatchObject({ outcome: 'fixed' });
      // Posts happen in nodes that do not wait (interrupt() re-runs its node): no resume posted anything twice.
      expect(world.calls.filter((call) => call.startsWith('ask ')).length).toBe(world.questions.length);
      expect(world.calls.filter((call) => call === 'notify').length).toBe(world.notices.length);
    });
  });

  describe('"Next time?"', () => {
    it('is answered outside the run: the run has ended, and a late resume runs nothing', async () => {
      const { world, flow } = await chose(1);
      await flow.endVerification(true);
      expect(await flow.interrupts()).toEqual([]);
      const before = { questions: world.questions.length, notices: world.notices.length, calls: world.calls.length };
      await flow.graph.invoke(
        new Command({
          resume: {
            questionId: world.questions.at(-1)!.id,
            answer: { kind: 'option', option: 1, label: 'Auto' },
            actor: 'alice',
          },
        }),
        { configurable: { thread_id: '7' } },
      );
      expect({ questions: world.questions.length, notices: world.notices.length, calls: world.calls.length }).toEqual(
        before,
      );
      expect(world.toolRuns).toHaveLength(1);
    });
  });
}
