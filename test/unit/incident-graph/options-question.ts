import { describe, expect, it } from 'vitest';
import { callsOf } from '../../../graphs/incident/ports.ts';
import { option } from '../../helpers/incident-graph-driver.ts';
import { HOUR, investigate, planned, proposal, restart, runbookFix, scale, type Start } from './fixtures.ts';

/** Every answer to "Solutions found": each option, the generic ones, and the free answers. */
export function optionsQuestionCases(start: Start): void {
  /** An incident waiting at its options question (after "Yes"). */
  async function atOptions(setup?: Parameters<Start>[0]) {
    const started = start(setup);
    await started.flow.start();
    await started.flow.answer(option(await started.flow.waitingQuestion(), 1));
    return { ...started, question: await started.flow.waitingQuestion() };
  }

  describe('"Solutions found"', () => {
    it.each([
      [1, restart],
      [2, scale],
    ])('option %i runs exactly the calls that option showed, once, and starts verifying', async (n, chosen) => {
      const { world, flow, question } = await atOptions();
      await flow.answer(option(question, n));
      expect(world.toolRuns).toEqual(callsOf(chosen).map((call) => ({ questionId: question.id, ...call })));
      expect(world.toolRuns.map((run) => ({ tool: run.tool, arguments: run.arguments }))).toEqual(
        question.options[n - 1]!.calls,
      );
      expect(world.verifications).toBe(1);
      expect(world.notices).toEqual([
        {
          key: `execute:${question.id}`,
          title: `⚙️ #7: ran ${chosen.action!.tool}`,
          body: expect.stringContaining(`Output: ${chosen.action!.tool} done`) as string,
        },
      ]);
      expect((await flow.pending()).value).toEqual({ kind: 'verification' });
    });

    it('approve (a runbook fix): `approve` stands for option 1, which shows its record and runs its calls', async () => {
      const known = {
        diagnosis: 'Known problem: runbook postgres-down.',
        options: [{ ...runbookFix, runbook: { ...runbookFix.runbook!, successes: 3, chosen: 4 } }, investigate],
      };
      const { world, flow, question } = await atOptions({ proposals: [known] });
      expect(question.defaultOption).toBe(1);
      expect(question.options[0]).toMatchObject({
        label: runbookFix.label,
        labelSource: { kind: 'runbook', id: 'postgres-down' },
        record: { successes: 3, chosen: 4 },
        calls: callsOf(runbookFix),
      });
      await flow.answer(option(question, question.defaultOption!));
      await flow.endVerification(true);
      expect(world.toolRuns).toEqual(callsOf(runbookFix).map((call) => ({ questionId: question.id, ...call })));
      expect(world.learned).toEqual([{ questionId: question.id, label: runbookFix.label, succeeded: true }]);
      // A fix chosen by a person asks "Next time?"; one that ran on its own does not (automatic-fixes.ts).
      expect(world.questions.at(-1)).toMatchObject({ kind: 'autonomy' });
    });

    it('has no default when the first option runs nothing: `approve` must name an option', async () => {
      const { question } = await atOptions({
        proposals: [{ diagnosis: proposal.diagnosis, options: [investigate, restart] }],
      });
      expect(question.defaultOption).toBeUndefined();
    });

    it('"investigate" (a generic option): researches again and asks a second round', async () => {
      const { world, flow, question } = await atOptions();
      await flow.answer(option(question, 3));
      expect(world.calls.filter((call) => call === 'propose')).toHaveLength(2);
      expect(await flow.waitingQuestion()).toMatchObject({ kind: 'solution', askKey: 'options:1:2' });
      expect(world.executions).toEqual([]);
    });

    it('"Snooze 1h" (a generic option): snoozes for an hour', async () => {
      const { world, flow, question } = await atOptions();
      await flow.answer(option(question, 4));
      expect(world.snoozed).toEqual([HOUR]);
      expect(world.executions).toEqual([]);
      expect(await flow.values()).toMatchObject({ outcome: 'snoozed' });
    });

    it('"Ignore" (a generic option): dismisses with the option chosen', async () => {
      const { world, flow, question } = await atOptions();
      await flow.answer(option(question, 5), 'carol');
      expect(world.dismissed).toEqual([{ reason: '5. Ignore', actor: 'carol' }]);
      expect(world.executions).toEqual([]);
    });

    it('"ignore": dismisses', async () => {
      const { world, flow } = await atOptions();
      await flow.answer({ kind: 'ignore' });
      expect(world.dismissed).toEqual([{ reason: 'ignore', actor: 'alice' }]);
      expect(await flow.finished()).toBe(true);
    });

    it('"snooze 2h": snoozes for the time asked', async () => {
      const { world, flow } = await atOptions();
      await flow.answer({ kind: 'snooze', durationMs: 2 * HOUR });
      expect(world.snoozed).toEqual([2 * HOUR]);
      expect(world.executions).toEqual([]);
    });

    it('"custom: …": makes a plan and asks to approve it', async () => {
      const { world, flow } = await atOptions({ plan: planned });
      await flow.answer({ kind: 'custom', instruction: 'restart it and then scale it' });
      const question = await flow.waitingQuestion();
      expect(question).toMatchObject({ kind: 'plan', askKey: 'plan:1:2', defaultOption: 1 });
      expect(world.executions).toEqual([]);
    });

    it('"custom: …" that makes no plan: says why and asks the same options again', async () => {
      const { world, flow, question } = await atOptions();
      await flow.answer({ kind: 'custom', instruction: 'delete the volume' });
      expect(world.notices.map((notice) => notice.key)).toEqual(['plan-refused:1:1']);
      const again = await flow.waitingQuestion();
      expect(again).toMatchObject({ askKey: 'options:1:2' });
      expect(again.options).toEqual(question.options);
      expect(world.calls.filter((call) => call === 'propose')).toHaveLength(1);
    });

    it('a number no option has: runs nothing and asks again', async () => {
      const { world, flow, question } = await atOptions();
      await flow.answer({ kind: 'option', option: 9, label: 'nine' });
      expect(world.executions).toEqual([]);
      expect(await flow.waitingQuestion()).toMatchObject({ askKey: 'options:1:2' });
      expect(question.options).toHaveLength(5);
    });

    it('an option that runs no tool is refused, said, and the options are asked again', async () => {
      const { world, flow, question } = await atOptions({
        proposals: [{ diagnosis: proposal.diagnosis, options: [{ label: 'Think about it' }, restart] }],
      });
      await flow.answer(option(question, 1));
      expect(world.toolRuns).toEqual([]);
      expect(world.executions).toEqual([
        {
          questionId: question.id,
          label: 'Think about it',
          result: { status: 'refused', reason: 'This option runs no tool.' },
        },
      ]);
      expect(world.notices).toEqual([
        { key: `execute:${question.id}`, title: '❌ #7: the fix was not run', body: 'This option runs no tool.' },
      ]);
      expect(world.verifications).toBe(0);
      expect(await flow.waitingQuestion()).toMatchObject({ askKey: 'options:1:2' });
    });

    it.each([
      ['resolved', 'resolved on its own'],
      ['expired', 'expired'],
    ] as const)('withdrawn (%s): ends the run without running anything', async (why, outcome) => {
      const { world, flow } = await atOptions();
      await flow.withdraw(why);
      expect(await flow.values()).toMatchObject({ outcome });
      expect(await flow.finished()).toBe(true);
      expect(world.executions).toEqual([]);
      expect(world.dismissed).toEqual([]);
    });

    it('shows why a promoted runbook did not run on its own beside the options', async () => {
      const { question } = await atOptions({
        autoFix: { asks: 'Runbook postgres-down is promoted but asks: an alert has no label pod.' },
      });
      expect(question.body).toContain('Runbook postgres-down is promoted but asks');
    });
  });
}
