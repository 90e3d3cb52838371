import { Cron } from 'croner';
import { createScheduledRunRepository } from '../db/repositories/scheduled-runs.ts';
import type { Pool } from '../db/pool.ts';
import type { Logger } from '../logging/index.ts';

export interface ScheduledJob {
  id: string;
  /** Five-field cron, read in `timezone`. */
  cron: string;
  /** Runs the job for one slot; throwing marks the slot failed. */
  run(slot: Date): Promise<void>;
}

export interface SchedulerOptions {
  pool: Pool;
  jobs: readonly ScheduledJob[];
  timezone: string | undefined;
  logger: Logger;
  /** Told once per failed slot; the slot is not retried, so a failing prompt cannot burn tokens in a loop. */
  onFailure(job: ScheduledJob, slot: Date, error: Error): Promise<void>;
  now?: () => Date;
}

/**
 * Fires each job once per cron slot across every replica: the `scheduled_runs` row of (job, slot) is
 * the claim. Only the latest slot that has passed is due, so after downtime a job runs once, not once
 * per missed slot; a job seen for the first time does not run for slots before it existed.
 */
export function createScheduler(options: SchedulerOptions) {
  const now = options.now ?? (() => new Date());
  const crons = new Map(
    options.jobs.map((job) => [
      job.id,
      new Cron(job.cron, { paused: true, ...(options.timezone ? { timezone: options.timezone } : {}) }),
    ]),
  );

  const runs = createScheduledRunRepository(options.pool);

  /** Runs every job whose latest slot has passed and is not yet claimed. Returns the slots run. */
  async function tick(): Promise<{ job: string; slot: Date; ok: boolean }[]> {
    const at = now();
    const ran: { job: string; slot: Date; ok: boolean }[] = [];
    for (const job of options.jobs) {
      const slot = crons.get(job.id)!.previousRuns(1, at)[0];
      if (!slot || slot.getTime() <= (await runs.baseline(job.id, at)).getTime()) continue;
      if (!(await runs.claim(job.id, slot))) continue;
      try {
        await job.run(slot);
        await runs.finish(job.id, slot, { ok: true });
        ran.push({ job: job.id, slot, ok: true });
      } catch (caught) {
        const error = caught instanceof Error ? caught : new Error(String(caught));
        await runs.finish(job.id, slot, { ok: false, error: error.message });
        options.logger.warn({ job: job.id, slot, err: error }, 'scheduled job failed');
        await options.onFailure(job, slot, error);
        ran.push({ job: job.id, slot, ok: false });
      }
    }
    return ran;
  }

  /** When each job runs next, for `status` and the report's "next week". */
  function nextRuns(): { job: string; at: Date | null }[] {
    return options.jobs.map((job) => ({ job: job.id, at: crons.get(job.id)!.nextRun(now()) }));
  }

  return { tick, nextRuns };
}

export type Scheduler = ReturnType<typeof createScheduler>;

/** A cron expression's problem, or undefined when croner accepts it. */
export function cronProblem(expression: string, timezone?: string): string | undefined {
  try {
    new Cron(expression, { paused: true, ...(timezone ? { timezone } : {}) });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
