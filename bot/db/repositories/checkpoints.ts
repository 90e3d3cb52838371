import type { Queryable } from '../pool.ts';

/**
 * LangGraph's checkpoint tables (`checkpoints`, `checkpoint_blobs`, `checkpoint_writes` in the
 * checkpointer's schema, created by `PostgresSaver.setup()`), one thread per incident
 * (thread_id = the incident id). Only the checkpoints are pruned: the incident, its alerts,
 * questions, decisions, actions and audit entries are Steward's own tables and stay.
 */
export function createCheckpointRepository(db: Queryable, schema: string) {
  const table = (name: string) => `"${schema}"."${name}"`;
  return {
    /**
     * Deletes the checkpoints of up to `limit` incidents closed before `closedBefore`, all namespaces
     * of each thread, in one statement (a reader never sees a thread with blobs but no checkpoint
     * for long). Returns the incidents whose checkpoints went.
     */
    async deleteClosedBefore(closedBefore: Date, limit: number): Promise<number> {
      const result = await db.query<{ threads: string }>(
        `WITH old AS (
           SELECT i.id::text AS thread_id FROM incidents i
            WHERE i.closed_at IS NOT NULL AND i.closed_at < $1
              AND EXISTS (SELECT 1 FROM ${table('checkpoints')} c WHERE c.thread_id = i.id::text)
            ORDER BY i.closed_at LIMIT $2),
         -- Data-modifying WITH parts run once each whether or not the last SELECT reads them.
         writes AS (DELETE FROM ${table('checkpoint_writes')} w USING old WHERE w.thread_id = old.thread_id),
         blobs AS (DELETE FROM ${table('checkpoint_blobs')} b USING old WHERE b.thread_id = old.thread_id),
         points AS (DELETE FROM ${table('checkpoints')} c USING old WHERE c.thread_id = old.thread_id)
         SELECT count(*) AS threads FROM old`,
        [closedBefore, limit],
      );
      return Number(result.rows[0]?.threads ?? 0);
    },

    /** Bytes the checkpoint tables hold, with their indexes and TOAST (for status and benchmarks). */
    async totalBytes(): Promise<number> {
      const result = await db.query<{ bytes: string }>(
        `SELECT pg_total_relation_size('${table('checkpoints')}') + pg_total_relation_size('${table('checkpoint_blobs')}') + pg_total_relation_size('${table('checkpoint_writes')}') AS bytes`,
      );
      return Number(result.rows[0]!.bytes);
    },

    /** Whether an incident still has checkpoints. */
    async has(incidentId: number): Promise<boolean> {
      const result = await db.query(`SELECT 1 FROM ${table('checkpoints')} WHERE thread_id = $1 LIMIT 1`, [
        String(incidentId),
      ]);
      return result.rowCount === 1;
    },
  };
}

export type CheckpointRepository = ReturnType<typeof createCheckpointRepository>;
