import { channelNotDelivering } from '../../graphs/operator-messages.ts';
import type { Coordination } from '../coordination/index.ts';
import type { Logger } from '../logging/index.ts';
import { createPeriodicTask } from '../tasks/periodic-task.ts';
import type { OutboxRepository } from '../db/repositories/outbox.ts';

export interface StuckChannelWatchOptions {
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
    const health = await options.outbox.channelHealth(options.channels, quietMs);
    const reported: string[] = [];
    for (const row of health) {
      const stuck = row.oldest !== null && Date.now() - row.oldest.getTime() > stuckAfterMs;
      if (!stuck && row.failed === 0) continue;
      const others = options.channels.filter((channel) => channel !== row.channel);
      if (others.length === 0) {
        options.logger.error(
          { channel: row.channel, waiting: row.waiting, lastError: row.lastError },
          'the only chat channel is stuck',
        );
        continue;
      }
      if (!(await options.coordination.claimOnce(`stuck-channel:${row.channel}`, quietMs))) continue;
      await options.outbox.enqueue({ channels: others, message: channelNotDelivering(row) });
      options.logger.warn(
        { channel: row.channel, waiting: row.waiting, failed: row.failed },
        'stuck chat channel reported through the others',
      );
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
