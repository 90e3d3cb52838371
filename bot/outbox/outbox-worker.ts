import { ChatSendError, type ChatNotifier, type OutgoingFollowUp, type SentMessage } from '../../graphs/chat-port.ts';
import type { Logger } from '../logging/index.ts';
import type { Metrics } from '../metrics/create-metrics.ts';
import { backoffDelay } from '../../graphs/backoff.ts';
import { createPeriodicTask } from '../tasks/periodic-task.ts';
import { coalesce, type Batch } from './coalesce-notices.ts';
import type { OutboxMessage, OutboxRepository } from '../db/repositories/outbox.ts';

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
  const lastSendAt = new Map<string, number>();
  const BATCH = 20;

  async function deliver(batch: Batch): Promise<void> {
    const item = batch.items[0]!;
    const notifier = byPlatform.get(item.channel)!;
    try {
      await pace(notifier, item);
      let sent: SentMessage | undefined;
      try {
        sent =
          batch.message.kind === 'follow-up'
            ? await followUp(notifier, item, batch.message)
            : await notifier.send(batch.message, item.conversation);
      } finally {
        lastSendAt.set(paceKey(item), Date.now());
      }
      if (!sent) return;
      for (const each of batch.items) {
        await options.outbox.markSent(each.id, sent.platformRef, sent.partRefs);
        options.metrics.outboxSent.inc({ channel: each.channel });
      }
      if (batch.items.length > 1)
        options.logger.info(
          { channel: item.channel, messages: batch.items.length },
          'queued updates sent as one message',
        );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const retryable = !(error instanceof ChatSendError) || error.retryable;
      const attempts = Math.max(...batch.items.map((each) => each.attempts));
      if (!retryable || attempts >= maxAttempts) {
        for (const each of batch.items) await options.outbox.markFailed(each.id, reason);
        options.metrics.outboxFailures.inc({ channel: item.channel }, batch.items.length);
        options.logger.error(
          { outboxIds: batch.items.map((each) => each.id), channel: item.channel, attempts, err: error },
          'chat message could not be delivered',
        );
        return;
      }
      const backoff = backoffDelay(attempts - 1, { baseMs: baseDelayMs, maxMs: maxDelayMs, jitter: 0.2, random });
      const delay = Math.max(backoff, error instanceof ChatSendError ? (error.retryAfterMs ?? 0) : 0);
      for (const each of batch.items) await options.outbox.retryLater(each.id, delay, reason);
      options.metrics.outboxRetries.inc({ channel: item.channel }, batch.items.length);
      options.logger.warn(
        {
          outboxIds: batch.items.map((each) => each.id),
          channel: item.channel,
          attempts,
          retryInMs: Math.round(delay),
          reason,
        },
        'chat message will be retried',
      );
    }
  }

  /**
   * Platforms that rate-limit bursts (Signal) get their sends to one conversation spaced out: from
   * the end of one send to the start of the next, so the platform never sees them closer.
   */
  async function pace(notifier: ChatNotifier, item: OutboxMessage): Promise<void> {
    const interval = notifier.pacing?.minIntervalMs ?? 0;
    if (interval <= 0) return;
    const wait = (lastSendAt.get(paceKey(item)) ?? -Infinity) + interval - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  const paceKey = (item: OutboxMessage) => `${item.channel}\u0000${item.conversation ?? ''}`;

  /**
   * A follow-up goes where its question went. While that copy is still queued the follow-up waits;
   * a channel that never got the question (it was answered first elsewhere) gets no follow-up.
   */
  async function followUp(
    notifier: ChatNotifier,
    item: OutboxMessage,
    message: OutgoingFollowUp,
  ): Promise<SentMessage | undefined> {
    const copy = await options.outbox.questionCopy(Number(message.questionId), item.channel);
    if (copy.state === 'pending') {
      await options.outbox.retryLater(item.id, 2_000, 'waiting for the question to be sent first');
      return undefined;
    }
    if (copy.state === 'none') {
      await options.outbox.cancel(item.id, 'the question was never sent on this channel');
      return undefined;
    }
    return notifier.followUp(copy.platformRef, message, copy.conversation ?? item.conversation);
  }

  /**
   * One pass: claims and sends every due message, oldest first (a message waiting for a retry does
   * not hold back the ones after it). Returns how many were tried.
   */
  async function drain(): Promise<number> {
    let tried = 0;
    for (;;) {
      const due = await options.outbox.claimDue(channels, BATCH, leaseMs);
      if (due.length === 0) return tried;
      for (const batch of coalesce(due, (channel) => byPlatform.get(channel)?.pacing?.coalesce === true))
        await deliver(batch);
      tried += due.length;
      // A short batch was everything due: claiming again could only pick up what just failed and
      // is due again already (a short backoff), which the next pass will do.
      if (due.length < BATCH) return tried;
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
