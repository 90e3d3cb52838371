import { describe, expect, it } from 'vitest';
import { callsOf } from '../../../graphs/incident/ports.ts';
import { option } from '../../helpers/incident-graph-driver.ts';
import { runbookFix, type Start } from './fixtures.ts';

/** A promoted runbook that runs without asking, and what happens when it does not work. */
export function automaticFixCases(start: Start): void {
  const auto = (level: 'auto_notify' | 'auto_silent') => ({ autoFix: { option: runbookFix, questionId: 0, level } });

  describe('a promoted runbook', () => {
    it('auto_notify: runs at once without asking anyone, says so, and reports the fix without "Next time?"', async () => {
      const { world, flow } = start(auto('auto_notify'));
      await flow.start();
      const decided = world.questions[0]!;
      expect(world.questions).toHaveLength(1);
      expect(decided).toMatchObject({ askKey: 'auto:1', decided: { kind: 'option', option: 1 } });
      expect(world.calls).not.toContain('triage');
      expect(world.toolRuns).toEqual(callsOf(runbookFix).map((call) => ({ questionId: decided.id, ...call })));
      expect(world.notices).toEqual([
        {
          key: `execute:${decided.id}`,
          title: '⚙️ #7: ran kubectl_rollout_restart on its own (runbook postgres-down)',
          body: expect.stringContaining('Ran: kubectl_rollout_restart') as string,
        },
      ]);
      await flow.endVerification(true);
      expect(world.notices.at(-1)).toMatchObject({
        key: `report:${decided.id}`,
        title: '✅ Complete: #7 PostgresDown',
      });
      expect(world.learned).toEqual([{ questionId: decided.id, label: runbookFix.label, succeeded: true }]);
      expect(world.questions).toHaveLength(1);
      expect(world.demoted).toEqual([]);
      expect(flow.path).toEqual(['assess', 'execute', 'await_verification', 'report', '__end__']);
    });

    it('auto_silent: runs and, when it works, posts nothing at all', async () => {
      const { world, flow } = start(auto('auto_silent'));
      await flow.start();
      await flow.endVerification(true);
      expect(world.toolRuns).toHaveLength(1);
      expect(world.notices).toEqual([]);
      expect(world.learned.map((learned) => learned.succeeded)).toEqual([true]);
      expect(await flow.values()).toMatchObject({ outcome: 'fixed' });
    });

    it.each(['auto_notify', 'auto_silent'] as const)(
      '%s that does not resolve the alerts: is demoted, said, and the owner is asked',
      async (level) => {
        const { world, flow } = start(auto(level));
        await flow.start();
        await flow.endVerification(false);
        expect(world.demoted).toEqual(['postgres-down']);
        expect(world.learned.map((learned) => learned.succeeded)).toEqual([false]);
        expect(world.notices.at(-1)).toMatchObject({ title: '❌ Not fixed: #7 PostgresDown' });
        const asked = await flow.waitingQuestion();
        expect(asked).toMatchObject({ kind: 'solution', askKey: 'options:1:1' });
        // The fix that did not work is not offered again.
        expect(asked.options.map((shown) => shown.calls)).not.toContainEqual(callsOf(runbookFix));
        await flow.answer(option(asked, 1));
        expect(world.toolRuns.map((run) => run.tool)).toEqual(['kubectl_rollout_restart', 'kubectl_scale']);
      },
    );

    it('whose tool fails: says so, looks deeper, and asks for new options told what failed (not demoted: it did not run to the end)', async () => {
      const { world, flow } = start({
        ...auto('auto_notify'),
        tools: { kubectl_rollout_restart: { ok: false, error: 'timeout' } },
      });
      await flow.start();
      expect(world.notices).toEqual([expect.objectContaining({ title: '❌ #7: kubectl_rollout_restart failed' })]);
      expect(world.verifications).toBe(0);
      expect(world.demoted).toEqual([]);
      expect(world.proposeRequests).toEqual([
        {
          failed: [{ calls: callsOf(runbookFix), outcome: 'tool failed', error: 'timeout', runbook: 'postgres-down' }],
        },
      ]);
      const asked = await flow.waitingQuestion();
      // The new fix first; the failed call (the model's restart is the same call) after it, and said.
      expect(asked.options.map((shown) => shown.label)).toEqual([
        'Scale postgres to 2 replicas',
        'Restart the postgres deployment',
        'Investigate further',
        'Snooze 1h',
        'Ignore',
      ]);
      expect(asked.defaultOption).toBe(1);
      expect(asked.body).toContain(
        'Tried already for this incident: kubectl_rollout_restart · name=postgres · namespace=prod (the tool failed: “timeout”; offered again as option 2).',
      );
      expect(flow.path).toEqual(['assess', 'execute', 'investigate', 'research', 'post_options']);
    });
  });

  describe('runs of one thread', () => {
    it('a snoozed incident starts its next run clean on the same thread: asked again under new keys', async () => {
      const { world, flow } = start();
      await flow.start();
      await flow.answer({ kind: 'snooze', durationMs: 60_000 });
      expect(await flow.finished()).toBe(true);
      await flow.start(2);
      expect(await flow.waitingQuestion()).toMatchObject({ kind: 'problem', askKey: 'problem:2' });
      const values = await flow.values();
      expect(values.run).toBe(2);
      // Nothing of the first run counts: not its answer, not its outcome.
      expect(values.outcome).toBeUndefined();
      expect(values.answer).toBeUndefined();
      await flow.answer(option(await flow.waitingQuestion(), 1));
      expect(await flow.waitingQuestion()).toMatchObject({ askKey: 'options:2:1' });
      expect(world.snoozed).toEqual([60_000]);
    });
  });
}
