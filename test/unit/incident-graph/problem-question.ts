import { describe, expect, it } from 'vitest';
import { option } from '../../helpers/incident-graph-driver.ts';
import { HOUR, planned, proposal, restart, type Start } from './fixtures.ts';

/** From the alert to "Is this a problem?", and every answer to it. */
export function problemQuestionCases(start: Start): void {
  describe('assess', () => {
    it('records a suppressed incident and asks nothing', async () => {
      const { world, flow } = start({ snapshot: { suppressed: true } });
      await flow.start();
      expect(world.suppressed).toBe(1);
      expect(world.questions).toEqual([]);
      expect(world.calls).not.toContain('triage');
      expect(await flow.values()).toMatchObject({ outcome: 'suppressed' });
      expect(flow.path).toEqual(['assess', '__end__']);
    });

    it('asks "Is this a problem?" with the alert, the triage verdict and three answers', async () => {
      const { world, flow } = start({ snapshot: { flapping: true } });
      await flow.start();
      const question = await flow.waitingQuestion();
      expect(question).toMatchObject({
        kind: 'problem',
        askKey: 'problem:1',
        incidentId: 7,
        title: '🔔 Issue detected: #7 PostgresDown',
      });
      expect(question.options.map((shown) => shown.label)).toEqual(['Yes', 'No, expected', 'Snooze 1h']);
      expect(question.body).toContain('🔥 PostgresDown · pod=postgres-0 · namespace=prod');
      expect(question.body).toContain('⚠️ Flapping');
      expect(question.body).toContain('🤖 Postgres is down.');
      // Nothing is researched or run before the human says it is a problem.
      expect(world.calls).not.toContain('propose');
      expect(world.executions).toEqual([]);
    });

    it('looks while it triages: the investigation runs beside the triage, and its findings are on the first question', async () => {
      let investigationStarted!: () => void;
      const looking = new Promise<void>((resolve) => (investigationStarted = resolve));
      const requests: { deep: boolean }[] = [];
      const { world, flow } = start({
        // The verdict comes only once the investigation has begun: run one after the other, this never ends.
        triage: async () => {
          await looking;
          return { problem: true, reason: 'Postgres is down.', ask: true };
        },
        investigate: (request) => {
          requests.push(request);
          investigationStarted();
          return {
            evidence: [
              {
                key: 'tool:list_pods',
                source: 'tool',
                what: 'list_pods {}',
                quote: 'postgres-0 CrashLoopBackOff',
                ok: true,
              },
            ],
            relevant: ['tool:list_pods'],
            diagnosis: 'The pod crashes on start.',
          };
        },
      });
      await flow.start();
      const question = await flow.waitingQuestion();
      expect(question.kind).toBe('problem');
      expect(question.body).toContain('postgres-0 CrashLoopBackOff');
      expect(question.body).toContain('The pod crashes on start.');
      expect(requests).toEqual([{ deep: false }]);
      expect(world.calls.filter((call) => call === 'investigate')).toHaveLength(1);
      expect(flow.path).toEqual(['assess', 'post_problem']);
      // The findings are shown once: the options question that follows does not repeat them.
      await flow.answer(option(question, 1));
      expect((await flow.waitingQuestion()).body).not.toContain('postgres-0 CrashLoopBackOff');
    });

    it('fails the step only once the investigation beside a failed triage has ended', async () => {
      let investigationEnded = false;
      const { flow } = start({
        triage: () => Promise.reject(new Error('the database went away')),
        investigate: () =>
          new Promise((resolve) =>
            setTimeout(() => {
              investigationEnded = true;
              resolve(undefined);
            }, 20),
          ),
      });
      await expect(flow.start()).rejects.toThrow('the database went away');
      // Not left running beside the step's retry, spending its budget a second time.
      expect(investigationEnded).toBe(true);
    });

    it('leaves the verdict out when triage was degraded (no model)', async () => {
      const { flow } = start({ triage: { reason: '', degraded: 'no model answered', ask: true } });
      await flow.start();
      expect((await flow.waitingQuestion()).body).not.toContain('🤖');
    });

    it('goes straight to the options when the autonomy mode skips the question, and says why it is a problem', async () => {
      const { world, flow } = start({ triage: { problem: true, reason: 'Disk full on postgres-0.', ask: false } });
      await flow.start();
      const question = await flow.waitingQuestion();
      expect(world.questions.map((asked) => asked.kind)).toEqual(['solution']);
      expect(question.body).toContain('🤖 Disk full on postgres-0.');
      expect(flow.path).toEqual(['assess', 'research', 'post_options']);
    });
  });

  describe('"Is this a problem?"', () => {
    it('1 (Yes): researches and asks which fix, each option showing its exact calls', async () => {
      const { world, flow } = start();
      await flow.start();
      await flow.answer(option(await flow.waitingQuestion(), 1));
      const question = await flow.waitingQuestion();
      expect(question).toMatchObject({ kind: 'solution', askKey: 'options:1:1', defaultOption: 1 });
      expect(question.body).toContain(proposal.diagnosis);
      expect(question.options.map((shown) => shown.label)).toEqual(proposal.options.map((offered) => offered.label));
      expect(question.options[0]!.calls).toEqual([restart.action]);
      expect(question.options[2]!.calls).toBeUndefined();
      expect(world.executions).toEqual([]);
      expect(world.dismissed).toEqual([]);
    });

    it('2 (No, expected): dismisses the incident with the answer and who gave it', async () => {
      const { world, flow } = start();
      await flow.start();
      await flow.answer(option(await flow.waitingQuestion(), 2), 'bob');
      expect(world.dismissed).toEqual([{ reason: '2. No, expected', actor: 'bob' }]);
      expect(world.calls).not.toContain('propose');
      expect(await flow.values()).toMatchObject({ outcome: 'dismissed' });
      expect(await flow.finished()).toBe(true);
    });

    it('3 (Snooze 1h): snoozes for an hour', async () => {
      const { world, flow } = start();
      await flow.start();
      await flow.answer(option(await flow.waitingQuestion(), 3));
      expect(world.snoozed).toEqual([HOUR]);
      expect(world.dismissed).toEqual([]);
      expect(await flow.values()).toMatchObject({ outcome: 'snoozed' });
    });

    it('"ignore": dismisses it as ignored', async () => {
      const { world, flow } = start();
      await flow.start();
      await flow.answer({ kind: 'ignore' });
      expect(world.dismissed).toEqual([{ reason: 'ignore', actor: 'alice' }]);
      expect(await flow.values()).toMatchObject({ outcome: 'dismissed' });
    });

    it('"snooze 30m": snoozes for the time asked', async () => {
      const { world, flow } = start();
      await flow.start();
      await flow.answer({ kind: 'snooze', durationMs: 30 * 60_000 });
      expect(world.snoozed).toEqual([30 * 60_000]);
    });

    it('"custom: …": makes a plan of the words and asks to approve it, running nothing', async () => {
      const { world, flow } = start({ plan: planned });
      await flow.start();
      await flow.answer({ kind: 'custom', instruction: 'restart it and then scale it' });
      expect(world.instructions).toEqual(['restart it and then scale it']);
      expect(await flow.waitingQuestion()).toMatchObject({ kind: 'plan', askKey: 'plan:1:1' });
      expect(world.executions).toEqual([]);
      expect(world.calls).not.toContain('propose');
    });

    it('"custom: …" that makes no plan: says why, then researches and asks which fix', async () => {
      const { world, flow } = start();
      await flow.start();
      await flow.answer({ kind: 'custom', instruction: 'delete the volume' });
      expect(world.notices).toEqual([
        {
          key: 'plan-refused:1:0',
          title: '❌ #7: no plan for “delete the volume”',
          body: 'No allowed tool does that. Nothing was run; the options follow.',
        },
      ]);
      expect(await flow.waitingQuestion()).toMatchObject({ kind: 'solution', askKey: 'options:1:1' });
      expect(flow.path.slice(-3)).toEqual(['make_plan', 'research', 'post_options']);
    });

    it.each([
      ['resolved', 'resolved on its own'],
      ['expired', 'expired'],
    ] as const)('withdrawn (%s): ends the run without acting', async (why, outcome) => {
      const { world, flow } = start();
      await flow.start();
      await flow.withdraw(why);
      expect(await flow.values()).toMatchObject({ outcome });
      expect(await flow.finished()).toBe(true);
      expect(world.calls.filter((call) => !['snapshot', 'autoFix', 'triage', 'ask problem'].includes(call))).toEqual(
        [],
      );
    });
  });
}
