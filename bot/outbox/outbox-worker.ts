import { ChatSendError, type ChatNotifier } from '../../graphs/chat-port.ts';
import type { Logger } from '../logging/index.ts';
import type { Metrics } from '../metrics/create-metrics.ts';
import { createPeriodicTask } from '../runtime/periodic-task.ts';
import type { OutboxMessage, OutboxRepository } from './outbox-repository.ts';

export interface OutboxWorkerOptions {
  outbox: OutboxRepository;
  notifiers: readonly ChatNotifier[];
  logger: Logger;
  metrics: Metrics;
  /** How often to look for due messages when not woken up (default 500 ms). */
  pollMs?: number;
  /** How long a claimed message is ours before another worker may take it (default 60 s). */
  leaseMs?: number;
  /** First retry delay, doubled per attempt up to `maxDelayMs` (defaults 1 s and 5 min). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** After this many attempts a message is marked failed (default 8). */
  maxAttempts?: number;
  random?: () => number;
}

/**
 * Sends what the outbox holds, each message once: claimed under a lease, marked sent after the
 * platform accepted it. Failures are retried with exponential backoff and jitter, honouring a
 * platform's retry-after; a message that keeps failing is marked failed and counted.
 */
export function createOutboxWorker(options: OutboxWorkerOptions) {
  const byPlatform = new Map(options.notifiers.map((notifier) => [notifier.platform, notifier]));
  const channels = [...byPlatform.keys()];
  const pollMs = options.pollMs ?? 500;
  const leaseMs = options.leaseMs ?? 60_000;
  const baseDelayMs = options.baseDelayMs ?? 1_000;
  const maxDelayMs = options.maxDelayMs ?? 300_000;
  const maxAttempts = options.maxAttempts ?? 8;
  const random = options.random ?? Math.random;

  async function deliver(item: OutboxMessage): Promise<void> {
    const notifier = byPlatform.get(item.channel)!;
    try {
      const sent = await notifier.send(item.message, item.conversation);
      await options.outbox.markSent(item.id, sent.platformRef);
      options.metrics.outboxSent.inc({ channel: item.channel });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const retryable = !(error instanceof ChatSendError) || error.retryable;
      if (!retryable || item.attempts >= maxAttempts) {
        await options.outbox.markFailed(item.id, reason);
        options.metrics.outboxFailures.inc({ channel: item.channel });
        options.logger.error({ outboxId: item.id, channel: item.channel, attempts: item.attempts, err: error }, 'chat message could not be delivered');
        return;
      }
      const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (item.attempts - 1)) * (0.8 + 0.4 * random());
      const delay = Math.max(backoff, error instanceof ChatSendError ? (error.retryAfterMs ?? 0) : 0);
      await options.outbox.retryLater(item.id, delay, reason);
      options.metrics.outboxRetries.inc({ channel: item.channel });
      options.logger.warn({ outboxId: item.id, channel: item.channel, attempts: item.attempts, retryInMs: Math.round(delay), reason }, 'chat message will be retried');
    }
  }

  /**
   * One pass: claims and sends every due message, oldest first (a message waiting for a retry does
   * not hold back the ones after it). Returns how many were tried.
   */
  async function drain(): Promise<number> {
    let tried = 0;
    for (;;) {
      const due = await options.outbox.claimDue(channels, 20, leaseMs);
      if (due.length === 0) return tried;
      for (const item of due) await deliver(item);
      tried += due.length;
    }
  }

  const task = createPeriodicTask(drain, {
    everyMs: pollMs,
    onError: (error) => options.logger.warn({ err: error }, 'outbox pass failed; will retry'),
  });

  return {
    drain,
    start: task.start,
    /** Look now rather than at the next poll (after enqueueing). */
    wake: task.wake,
    stop: task.stop,
  };
}
