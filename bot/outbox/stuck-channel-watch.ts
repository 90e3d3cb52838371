import type { Coordination } from '../coordination/index.ts';
import type { Queryable } from '../db/pool.ts';
import type { Logger } from '../logging/index.ts';
import { createPeriodicTask } from '../tasks/periodic-task.ts';
import type { OutboxRepository } from './outbox-repository.ts';

export interface StuckChannelWatchOptions {
  db: Queryable;
  outbox: OutboxRepository;
  coordination: Coordination;
  logger: Logger;
  channels: readonly string[];
  /** A channel whose oldest waiting message is older than this is stuck (default 10 min). */
  stuckAfterMs?: number;
  /** At most one report per stuck channel in this time (default 1 h). */
  quietMs?: number;
  everyMs?: number;
  wake?: () => void;
}

/**
 * A chat channel that cannot send (Signal demanding a captcha, a revoked Mattermost token) must not
 * fail silently: when its oldest waiting message is too old, or its last message failed for good,
 * the other configured channels hear about it, at most once an hour, from one replica.
 */
export function createStuckChannelWatch(options: StuckChannelWatchOptions) {
  const stuckAfterMs = options.stuckAfterMs ?? 10 * 60_000;
  const quietMs = options.quietMs ?? 3_600_000;

  async function check(): Promise<string[]> {
    const result = await options.db.query<{ channel: string; waiting: string; oldest: Date | null; last_error: string | null; failed: string }>(
      `SELECT channel,
              count(*) FILTER (WHERE status = 'pending') AS waiting,
              min(created_at) FILTER (WHERE status = 'pending') AS oldest,
              count(*) FILTER (WHERE status = 'failed' AND created_at > now() - make_interval(secs => $2::double precision / 1000)) AS failed,
              (array_agg(last_error ORDER BY id DESC) FILTER (WHERE last_error IS NOT NULL AND status IN ('pending', 'failed')))[1] AS last_error
       FROM outbox WHERE channel = ANY($1::text[]) AND (status = 'pending' OR status = 'failed')
       GROUP BY channel`,
      [options.channels, quietMs],
    );
    const reported: string[] = [];
    for (const row of result.rows) {
      const stuck = row.oldest !== null && Date.now() - row.oldest.getTime() > stuckAfterMs;
      if (!stuck && Number(row.failed) === 0) continue;
      const others = options.channels.filter((channel) => channel !== row.channel);
      if (others.length === 0) {
        options.logger.error({ channel: row.channel, waiting: Number(row.waiting), lastError: row.last_error }, 'the only chat channel is stuck');
        continue;
      }
      if (!(await options.coordination.claimOnce(`stuck-channel:${row.channel}`, quietMs))) continue;
      const since = row.oldest ? ` since ${row.oldest.toISOString().slice(11, 16)} UTC` : '';
      await options.outbox.enqueue({
        channels: others,
        message: {
          kind: 'notice',
          title: `⚠️ ${capitalize(row.channel)} is not delivering`,
          body: [`${row.waiting} message${row.waiting === '1' ? '' : 's'} waiting${since}; ${row.failed} failed for good in the last hour.`, row.last_error ? `Last error: ${row.last_error}` : '', 'Questions are also asked here, so you can answer here.'].filter(Boolean).join('\n'),
        },
      });
      options.logger.warn({ channel: row.channel, waiting: Number(row.waiting), failed: Number(row.failed) }, 'stuck chat channel reported through the others');
      reported.push(row.channel);
    }
    if (reported.length > 0) options.wake?.();
    return reported;
  }

  const task = createPeriodicTask(check, {
    everyMs: options.everyMs ?? 60_000,
    onError: (error) => options.logger.warn({ err: error }, 'checking for stuck chat channels failed; retrying'),
  });
  return { check, start: task.start, stop: task.stop };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
