/**
 * Runs `work` every `everyMs` (measured from the end of one run to the start of the next, so runs
 * never overlap), and at once on `wake()`. A wake during a run makes one more run right after it:
 * what woke it may have come after the run looked (a message queued after the outbox's last claim).
 * `stop()` waits for a run in progress. Timers do not keep the process alive.
 */
export function createPeriodicTask(work: () => Promise<unknown>, options: { everyMs: number; onError: (error: unknown) => void; runAtStart?: boolean }) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;
  let wokenWhileRunning = false;

  function schedule(delay: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, delay);
    timer.unref();
  }

  function tick(): void {
    if (running) return;
    running = work()
      .then(() => undefined, options.onError)
      .finally(() => {
        running = undefined;
        schedule(wokenWhileRunning ? 0 : options.everyMs);
        wokenWhileRunning = false;
      });
  }

  // Arrow functions: callers pass these around on their own (`start: task.start`).
  return {
    start: (): void => {
      stopped = false;
      schedule(options.runAtStart === false ? options.everyMs : 0);
    },
    wake: (): void => {
      if (running) wokenWhileRunning = true;
      else schedule(0);
    },
    stop: async (): Promise<void> => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
