import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoopBlocks {
  /** Starts a measurement afresh. */
  start(): void;
  /**
   * The longest stretch between two turns of the event loop since `start`: `cpuMs` is the time this
   * thread ran on a CPU in it, `wallMs` the delay by the clock (which on a shared machine also counts
   * the time the operating system gave to other programs).
   */
  stop(): { cpuMs: number; wallMs: number };
}

/**
 * Watches the event loop with a 2 ms timer. A request that keeps the loop busy does so on this thread's
 * CPU time, so that is what the longest gap between two ticks cost; the clock alone also counts the
 * moments the thread was not running at all, which on a loaded two-core test machine are tens of ms.
 * The thread's own time comes from Linux's /proc/thread-self/schedstat (nanoseconds on a CPU);
 * elsewhere the process's CPU time stands in (which also counts the GC's helper threads).
 */
export function watchLoopBlocks(): LoopBlocks {
  const tickMs = 2;
  const delay = monitorEventLoopDelay({ resolution: tickMs });
  let timer: NodeJS.Timeout | undefined;
  let longestCpu = 0;
  return {
    start() {
      clearInterval(timer);
      longestCpu = 0;
      delay.reset();
      delay.enable();
      let last = cpuMs();
      timer = setInterval(() => {
        const now = cpuMs();
        longestCpu = Math.max(longestCpu, now - last);
        last = now;
      }, tickMs);
    },
    stop() {
      clearInterval(timer);
      delay.disable();
      return { cpuMs: round(longestCpu), wallMs: round(delay.max / 1e6) };
    },
  };
}

const schedstat = '/proc/thread-self/schedstat';
const hasSchedstat = (() => {
  try {
    readFileSync(schedstat);
    return true;
  } catch {
    return false;
  }
})();

function cpuMs(): number {
  if (hasSchedstat) return Number(readFileSync(schedstat, 'latin1').split(' ', 1)[0]) / 1e6;
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
