import type { OutgoingMessage } from '../../../graphs/chat-port.ts';
import type { Queryable } from '../pool.ts';

export interface OutboxMessage {
  id: number;
  channel: string;
  /** The platform's conversation to answer in; undefined for the configured one. */
  conversation: string | undefined;
  message: OutgoingMessage;
  attempts: number;
}

/** What the `conversation` column holds for "the platform's configured conversation". */
const CONFIGURED = 'default';

export interface EnqueueRequest {
  channels: readonly string[];
  message: OutgoingMessage;
  /** Makes enqueueing idempotent per channel: `incident:14:question:3` on two channels is two rows. */
  dedupKey?: string;
  /** Answer in this conversation (from an inbound reply) instead of the configured one. */
  conversation?: string;
  incidentId?: number;
  /** The question this message asks or follows up. */
  questionId?: number;
  /** Not sent before this time (a digest's slot). */
  notBefore?: Date;
}

/** One outbox row a platform message was sent as. */
export interface SentAs {
  kind: OutgoingMessage['kind'];
  questionId?: number;
  incidentId?: number;
}

/** Where a question went on one channel, once sent; `pending` while a copy is still queued. */
export type QuestionCopy =
  { state: 'sent'; platformRef: string; conversation: string | undefined } | { state: 'pending' } | { state: 'none' };

/**
 * The `outbox` table, the durable outbox: every outgoing chat message is a row first. Workers claim due rows with a lease
 * (`FOR UPDATE SKIP LOCKED`), so replicas never send the same row at once, and a row whose sender
 * died is claimed again when the lease runs out.
 */
export function createOutboxRepository(db: Queryable) {
  return {
    /** One row per channel; a repeated dedup key adds nothing. Returns the ids of new rows. */
    async enqueue(request: EnqueueRequest): Promise<number[]> {
      const ids: number[] = [];
      for (const channel of request.channels) {
        const result = await db.query<{ id: string }>(
          `INSERT INTO outbox (channel, conversation, kind, payload, dedup_key, incident_id, question_id, next_attempt_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE($8, now())) ON CONFLICT (dedup_key) DO NOTHING RETURNING id`,
          [
            channel,
            request.conversation ?? CONFIGURED,
            request.message.kind,
            request.message,
            request.dedupKey ? `${request.dedupKey}:${channel}` : null,
            request.incidentId ?? null,
            request.questionId ?? null,
            request.notBefore ?? null,
          ],
        );
        if (result.rows[0]) ids.push(Number(result.rows[0].id));
      }
      return ids;
    },

    async claimDue(channels: readonly string[], limit: number, leaseMs: number): Promise<OutboxMessage[]> {
      const result = await db.query<{
        id: string;
        channel: string;
        conversation: string;
        payload: OutgoingMessage;
        attempts: number;
      }>(
        // SKIP LOCKED lets workers take different rows without waiting; the outer conditions are
        // checked again on the row's latest version, so a row another worker just claimed is never
        // claimed twice.
        `UPDATE outbox SET attempts = attempts + 1, leased_until = now() + make_interval(secs => $3::double precision / 1000)
         WHERE id IN (
           SELECT id FROM outbox
           WHERE status = 'pending' AND next_attempt_at <= now() AND (leased_until IS NULL OR leased_until < now())
             AND channel = ANY($1::text[])
           ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
           AND status = 'pending' AND (leased_until IS NULL OR leased_until < now())
         RETURNING id, channel, conversation, payload, attempts`,
        [channels, limit, leaseMs],
      );
      return result.rows
        .map((row) => ({
          id: Number(row.id),
          channel: row.channel,
          conversation: row.conversation === CONFIGURED ? undefined : row.conversation,
          message: row.payload,
          attempts: row.attempts,
        }))
        .sort((a, b) => a.id - b.id);
    },

    /** `partRefs`: every part's reference when the message went out in several (the first included). */
    async markSent(id: number, platformRef: string, partRefs: readonly string[] = [platformRef]): Promise<void> {
      const parts = partRefs.includes(platformRef) ? partRefs : [platformRef, ...partRefs];
      await db.query(
        "UPDATE outbox SET status = 'sent', sent_at = now(), platform_ref = $2, part_refs = $3, leased_until = NULL, last_error = NULL WHERE id = $1",
        [id, platformRef, parts],
      );
    },

    async retryLater(id: number, delayMs: number, error: string): Promise<void> {
      await db.query(
        `UPDATE outbox SET next_attempt_at = now() + make_interval(secs => $2::double precision / 1000), leased_until = NULL, last_error = $3
         WHERE id = $1`,
        [id, delayMs, error.slice(0, 1_000)],
      );
    },

    async markFailed(id: number, error: string): Promise<void> {
      await db.query("UPDATE outbox SET status = 'failed', leased_until = NULL, last_error = $2 WHERE id = $1", [
        id,
        error.slice(0, 1_000),
      ]);
    },

    /** The copy of a question sent on one channel, for following it up there. */
    async questionCopy(questionId: number, channel: string): Promise<QuestionCopy> {
      const result = await db.query<{ status: string; platform_ref: string | null; conversation: string }>(
        "SELECT status, platform_ref, conversation FROM outbox WHERE question_id = $1 AND channel = $2 AND kind = 'question' ORDER BY id LIMIT 1",
        [questionId, channel],
      );
      const row = result.rows[0];
      if (row?.status === 'pending') return { state: 'pending' };
      if (row?.status !== 'sent' || !row.platform_ref) return { state: 'none' };
      return {
        state: 'sent',
        platformRef: row.platform_ref,
        conversation: row.conversation === CONFIGURED ? undefined : row.conversation,
      };
    },

    /** A question answered before some channel got it is not sent there at all. Returns those channels. */
    async cancelUnsentQuestion(questionId: number): Promise<string[]> {
      const result = await db.query<{ channel: string }>(
        "UPDATE outbox SET status = 'cancelled', leased_until = NULL WHERE question_id = $1 AND kind = 'question' AND status = 'pending' AND (leased_until IS NULL OR leased_until < now()) RETURNING channel",
        [questionId],
      );
      return result.rows.map((row) => row.channel);
    },

    async cancel(id: number, reason: string): Promise<void> {
      await db.query("UPDATE outbox SET status = 'cancelled', leased_until = NULL, last_error = $2 WHERE id = $1", [
        id,
        reason,
      ]);
    },

    /**
     * What a platform message (a quoted, threaded or reacted-to one, any part of it) was: one entry
     * per outbox row sent as it (a merged notice stands for several), with its question and incident.
     * Empty when it is not a message of Steward's on this channel.
     */
    async sentAs(channel: string, platformRef: string): Promise<SentAs[]> {
      const result = await db.query<{
        kind: OutgoingMessage['kind'];
        question_id: string | null;
        incident_id: string | null;
      }>(
        'SELECT kind, question_id, incident_id FROM outbox WHERE channel = $1 AND (platform_ref = $2 OR part_refs @> ARRAY[$2]::text[]) ORDER BY id',
        [channel, platformRef],
      );
      return result.rows.map((row) => ({
        kind: row.kind,
        ...(row.question_id !== null ? { questionId: Number(row.question_id) } : {}),
        ...(row.incident_id !== null ? { incidentId: Number(row.incident_id) } : {}),
      }));
    },

    /** The channels a question's copy went to (or is going to), for its follow-up. */
    async channelsOfQuestion(questionId: number): Promise<string[]> {
      const result = await db.query<{ channel: string }>(
        "SELECT DISTINCT channel FROM outbox WHERE question_id = $1 AND kind = 'question' AND status <> 'cancelled'",
        [questionId],
      );
      return result.rows.map((row) => row.channel);
    },

    /** Per channel: messages waiting (and since when), failed for good lately, and the last error. */
    async channelHealth(
      channels: readonly string[],
      failedWithinMs: number,
    ): Promise<{ channel: string; waiting: number; oldest: Date | null; failed: number; lastError: string | null }[]> {
      const result = await db.query<{
        channel: string;
        waiting: string;
        oldest: Date | null;
        last_error: string | null;
        failed: string;
      }>(
        `SELECT channel,
                count(*) FILTER (WHERE status = 'pending') AS waiting,
                min(created_at) FILTER (WHERE status = 'pending') AS oldest,
                count(*) FILTER (WHERE status = 'failed' AND created_at > now() - make_interval(secs => $2::double precision / 1000)) AS failed,
                (array_agg(last_error ORDER BY id DESC) FILTER (WHERE last_error IS NOT NULL AND status IN ('pending', 'failed')))[1] AS last_error
         FROM outbox WHERE channel = ANY($1::text[]) AND (status = 'pending' OR status = 'failed')
         GROUP BY channel`,
        [channels, failedWithinMs],
      );
      return result.rows.map((row) => ({
        channel: row.channel,
        waiting: Number(row.waiting),
        oldest: row.oldest,
        failed: Number(row.failed),
        lastError: row.last_error,
      }));
    },

    /** Channels with messages waiting or failed in the last day, for `status`. */
    async troubles(): Promise<{ channel: string; pending: number; failed: number }[]> {
      const result = await db.query<{ channel: string; pending: string; failed: string }>(
        `SELECT channel, count(*) FILTER (WHERE status = 'pending') AS pending,
                count(*) FILTER (WHERE status = 'failed' AND created_at > now() - interval '1 day') AS failed
         FROM outbox GROUP BY channel HAVING count(*) FILTER (WHERE status = 'pending' OR (status = 'failed' AND created_at > now() - interval '1 day')) > 0`,
      );
      return result.rows.map((row) => ({
        channel: row.channel,
        pending: Number(row.pending),
        failed: Number(row.failed),
      }));
    },

    /** Pending messages by channel, for /metrics and `status`. */
    async backlog(): Promise<Record<string, number>> {
      const result = await db.query<{ channel: string; n: string }>(
        "SELECT channel, count(*) AS n FROM outbox WHERE status = 'pending' GROUP BY channel",
      );
      return Object.fromEntries(result.rows.map((row) => [row.channel, Number(row.n)]));
    },
  };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
