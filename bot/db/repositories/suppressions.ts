import type { Queryable } from '../pool.ts';

/**
 * The `suppressions` table: "No, expected" and `ignore` keep the same alert (its stable labels, as a
 * key) quiet for a while.
 */
export function createSuppressionRepository(db: Queryable) {
  return {
    async active(matchKey: string): Promise<boolean> {
      const result = await db.query('SELECT 1 FROM suppressions WHERE match_key = $1 AND until > now() LIMIT 1', [
        matchKey,
      ]);
      return result.rows.length > 0;
    },

    async add(suppression: {
      matchKey: string;
      labels: Record<string, string>;
      forMs: number;
      actor: string | null;
      reason: string;
      incidentId: number;
    }): Promise<void> {
      await db.query(
        'INSERT INTO suppressions (match_key, labels, until, actor, reason, incident_id) VALUES ($1, $2, now() + make_interval(secs => $3::double precision / 1000), $4, $5, $6)',
        [
          suppression.matchKey,
          suppression.labels,
          suppression.forMs,
          suppression.actor,
          suppression.reason,
          suppression.incidentId,
        ],
      );
    },

    /** The alerts the owner most often said are expected in [from, to). */
    async commonestBetween(
      from: Date,
      to: Date,
      limit: number,
    ): Promise<{ alertname: string | null; count: number }[]> {
      const result = await db.query<{ alertname: string | null; n: number }>(
        "SELECT labels->>'alertname' AS alertname, count(*)::int AS n FROM suppressions WHERE created_at >= $1 AND created_at < $2 GROUP BY 1 ORDER BY n DESC LIMIT $3",
        [from, to, limit],
      );
      return result.rows.map((row) => ({ alertname: row.alertname, count: row.n }));
    },
  };
}

export type SuppressionRepository = ReturnType<typeof createSuppressionRepository>;
