/**
 * Runs `work` every `everyMs` (measured from the end of one run to the start of the next, so runs
 * never overlap), at once on `wake()`, and sooner than the interval on `wakeIn(ms)`. A wake during a
 * run is kept for after it: what woke it may have come after the run looked (a message queued after
 * the outbox's last claim), and work may ask for its own next run (`wakeIn` from inside `work`).
 * `stop()` waits for a run in progress. Timers do not keep the process alive.
 */
export function createPeriodicTask(
  work: () => Promise<unknown>,
  options: { everyMs: number; onError: (error: unknown) => void; runAtStart?: boolean },
) {
  let timer: NodeJS.Timeout | undefined;
  /** When the pending timer fires. */
  let dueAt = Number.POSITIVE_INFINITY;
  let running: Promise<void> | undefined;
  let stopped = true;
  /** The soonest run asked for during the current run (epoch ms). */
  let askedDuringRun: number | undefined;

  function schedule(delay: number): void {
    if (stopped) return;
    clearTimeout(timer);
    dueAt = Date.now() + delay;
    timer = setTimeout(tick, delay);
    timer.unref();
  }

  function tick(): void {
    if (running) return;
    // `work` starts in a microtask, once `running` is set: a wake from its first synchronous part
    // counts as one during the run.
    running = Promise.resolve()
      .then(work)
      .then(() => undefined, options.onError)
      .finally(() => {
        running = undefined;
        const asked = askedDuringRun;
        askedDuringRun = undefined;
        schedule(asked === undefined ? options.everyMs : Math.min(options.everyMs, Math.max(0, asked - Date.now())));
      });
  }

  /** A run within `ms`: sooner than what is scheduled, never later. */
  function wakeIn(ms: number): void {
    const at = Date.now() + ms;
    if (running) askedDuringRun = Math.min(askedDuringRun ?? Number.POSITIVE_INFINITY, at);
    else if (at < dueAt) schedule(ms);
  }

  // Arrow functions: callers pass these around on their own (`start: task.start`).
  return {
    start: (): void => {
      stopped = false;
      schedule(options.runAtStart === false ? options.everyMs : 0);
    },
    wake: (): void => wakeIn(0),
    wakeIn,
    stop: async (): Promise<void> => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
