import { describe, expect, it } from 'vitest';
import { callsOf } from '../../../graphs/incident/ports.ts';
import { option } from '../../helpers/incident-graph-driver.ts';
import { HOUR, planned, twoStepPlan, type Start } from './fixtures.ts';

const instruction = 'restart it and then scale it';

/** Every answer to "📝 Plan", asked from either question. */
export function planQuestionCases(start: Start): void {
  /** An incident waiting at a plan, asked for at the options question or at "Is this a problem?". */
  async function atPlan(from: 'options' | 'problem', setup: Parameters<Start>[0] = {}) {
    const started = start({ plan: planned, ...setup });
    await started.flow.start();
    if (from === 'options') await started.flow.answer(option(await started.flow.waitingQuestion(), 1));
    await started.flow.answer({ kind: 'custom', instruction });
    return { ...started, question: await started.flow.waitingQuestion() };
  }

  describe('"📝 Plan"', () => {
    it('shows each step with its call, approve standing for option 1', async () => {
      const { question } = await atPlan('options');
      expect(question.options[0]).toMatchObject({
        number: 1,
        label: twoStepPlan.label,
        labelSource: { kind: 'model' },
        calls: callsOf(twoStepPlan),
      });
      expect(question.options[1]).toMatchObject({ number: 2, label: 'Back to the options' });
      expect(question.defaultOption).toBe(1);
      expect(question.body).toContain('Step 1: kubectl_rollout_restart · name=postgres · namespace=prod');
      expect(question.body).toContain('Step 2: kubectl_scale · name=postgres · namespace=prod · replicas=2');
      expect(question.body).toContain('Nothing runs until you approve.');
    });

    it('approve (option 1): runs the steps in order, once, under the plan question', async () => {
      const { world, flow, question } = await atPlan('options');
      await flow.answer(option(question, question.defaultOption!));
      expect(world.toolRuns).toEqual(callsOf(twoStepPlan).map((call) => ({ questionId: question.id, ...call })));
      expect(world.notices.at(-1)).toMatchObject({ key: `execute:${question.id}`, title: '⚙️ #7: ran 2 steps' });
      expect((await flow.pending()).value).toEqual({ kind: 'verification' });
      await flow.endVerification(true);
      expect(world.learned).toEqual([{ questionId: question.id, label: twoStepPlan.label, succeeded: true }]);
    });

    it('2 (Back to the options) after the options question: asks the same options again', async () => {
      const { world, flow, question } = await atPlan('options');
      await flow.answer(option(question, 2));
      expect(world.executions).toEqual([]);
      expect(await flow.waitingQuestion()).toMatchObject({ kind: 'solution', askKey: 'options:1:3' });
      expect(world.calls.filter((call) => call === 'propose')).toHaveLength(1);
    });

    it('2 (Back to the options) after "Is this a problem?": researches first, as there are no options yet', async () => {
      const { world, flow, question } = await atPlan('problem');
      await flow.answer(option(question, 2));
      expect(world.calls.filter((call) => call === 'propose')).toHaveLength(1);
      expect(await flow.waitingQuestion()).toMatchObject({ kind: 'solution', askKey: 'options:1:2' });
      expect(world.executions).toEqual([]);
    });

    it('"ignore": dismisses without running the plan', async () => {
      const { world, flow } = await atPlan('options');
      await flow.answer({ kind: 'ignore' });
      expect(world.dismissed).toEqual([{ reason: 'ignore', actor: 'alice' }]);
      expect(world.executions).toEqual([]);
    });

    it('"snooze 1h": snoozes without running the plan', async () => {
      const { world, flow } = await atPlan('problem');
      await flow.answer({ kind: 'snooze', durationMs: HOUR });
      expect(world.snoozed).toEqual([HOUR]);
      expect(world.executions).toEqual([]);
    });

    it('"custom: …" again: makes a new plan from the new words and asks again', async () => {
      const { world, flow } = await atPlan('options');
      await flow.answer({ kind: 'custom', instruction: 'only restart it' });
      expect(world.instructions).toEqual([instruction, 'only restart it']);
      expect(await flow.waitingQuestion()).toMatchObject({ kind: 'plan', askKey: 'plan:1:3' });
      expect(world.executions).toEqual([]);
    });

    it.each([
      ['resolved', 'resolved on its own'],
      ['expired', 'expired'],
    ] as const)('withdrawn (%s): ends the run without running the plan', async (why, outcome) => {
      const { world, flow } = await atPlan('options');
      await flow.withdraw(why);
      expect(await flow.values()).toMatchObject({ outcome });
      expect(await flow.finished()).toBe(true);
      expect(world.executions).toEqual([]);
    });

    it('an approved plan that fails, asked for at "Is this a problem?": says so, then researches and asks which fix', async () => {
      const { world, flow, question } = await atPlan('problem', {
        tools: { kubectl_scale: { ok: false, error: 'quota exceeded' } },
      });
      await flow.answer(option(question, 1));
      expect(world.toolRuns.map((run) => run.tool)).toEqual(['kubectl_rollout_restart', 'kubectl_scale']);
      expect(world.notices.at(-1)).toMatchObject({
        key: `execute:${question.id}`,
        title: '❌ #7: the plan of 2 steps failed',
      });
      expect(world.verifications).toBe(0);
      expect(await flow.waitingQuestion()).toMatchObject({ kind: 'solution' });
      expect(flow.path.slice(-3)).toEqual(['execute', 'research', 'post_options']);
    });
  });
}
