import { describe, expect, it } from 'vitest';
import { createPeriodicTask } from '../../bot/tasks/periodic-task.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('periodic tasks', () => {
  it('run at start and then every interval, never two at once', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const task = createPeriodicTask(
      async () => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        runs += 1;
        await sleep(15);
        active -= 1;
      },
      { everyMs: 10, onError: () => undefined },
    );
    task.start();
    for (let i = 0; i < 5; i++) task.wake();
    await sleep(120);
    await task.stop();
    expect(maxActive).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(3);
    const after = runs;
    await sleep(50);
    expect(runs).toBe(after);
  });

  it('run once more right after a run that was woken while it ran, not a whole interval later', async () => {
    const started: number[] = [];
    let release!: () => void;
    const task = createPeriodicTask(
      async () => {
        started.push(Date.now());
        if (started.length === 1) await new Promise<void>((resolve) => (release = resolve));
      },
      { everyMs: 10_000, onError: () => undefined },
    );
    task.start();
    await sleep(10);
    expect(started).toHaveLength(1);
    // Three wakes while the first run is still going: one more run, at once after it.
    task.wake();
    task.wake();
    task.wake();
    const released = Date.now();
    release();
    await sleep(50);
    expect(started).toHaveLength(2);
    expect(started[1]! - released).toBeLessThan(40);
    await sleep(50);
    expect(started).toHaveLength(2);
    await task.stop();
  });

  it('run within the time wakeIn asks for, from inside a run or outside, but never later than already due', async () => {
    const started: number[] = [];
    let asked = false;
    const task = createPeriodicTask(
      async () => {
        started.push(Date.now());
        // The first run asks for the next one in 60 ms, much sooner than the interval.
        if (!asked) {
          asked = true;
          task.wakeIn(60);
        }
        return Promise.resolve();
      },
      { everyMs: 10_000, onError: () => undefined },
    );
    task.start();
    await sleep(30);
    expect(started).toHaveLength(1);
    await sleep(80);
    expect(started).toHaveLength(2);
    expect(started[1]! - started[0]!).toBeGreaterThanOrEqual(55);
    // Outside a run: a later wakeIn does not postpone a sooner one.
    task.wakeIn(40);
    task.wakeIn(5_000);
    await sleep(80);
    expect(started).toHaveLength(3);
    await sleep(50);
    expect(started).toHaveLength(3);
    await task.stop();
  });

  it('wait for a run in progress when stopped, and keep going after a failing run', async () => {
    let finished = 0;
    let calls = 0;
    const errors: unknown[] = [];
    const task = createPeriodicTask(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('first run fails');
        await sleep(30);
        finished += 1;
      },
      { everyMs: 5, onError: (error) => errors.push(error) },
    );
    task.start();
    await sleep(20);
    await task.stop();
    expect(errors).toHaveLength(1);
    expect(finished).toBe(calls - 1);
  });

  it('wait a whole interval before the first run when asked to', async () => {
    let runs = 0;
    const task = createPeriodicTask(() => Promise.resolve(void (runs += 1)), {
      everyMs: 60,
      onError: () => undefined,
      runAtStart: false,
    });
    task.start();
    await sleep(30);
    expect(runs).toBe(0);
    await sleep(50);
    expect(runs).toBe(1);
    await task.stop();
  });
});
