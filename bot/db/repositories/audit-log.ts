import type { Queryable } from '../pool.ts';

export interface AuditEntry {
  actor: string;
  channel: string;
  action: string;
  subject?: string | null;
  outcome: string;
  details?: Record<string, unknown>;
}

export interface AuditRecord extends Required<Omit<AuditEntry, 'subject'>> {
  id: number;
  at: Date;
  subject: string | null;
}

export interface AuditFilter {
  /** Exact, or a glob with `*` (as every text filter here). */
  actor?: string;
  channel?: string;
  action?: string;
  subject?: string;
  outcome?: string;
  since?: Date;
  until?: Date;
  limit?: number;
}

/** `restart_*` → `restart\_%`: the glob as a LIKE pattern, with LIKE's own wildcards taken literally. */
function likePattern(glob: string | undefined): string | null {
  return glob === undefined ? null : glob.replace(/[\\%_]/g, (character) => `\\${character}`).replaceAll('*', '%');
}

/** The append-only record of who decided what, through which channel, and what came of it. */
export function createAuditLog(db: Queryable) {
  return {
    async record(entry: AuditEntry): Promise<number> {
      const result = await db.query<{ id: string }>(
        `INSERT INTO audit_log (actor, channel, action, subject, outcome, details)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [entry.actor, entry.channel, entry.action, entry.subject ?? null, entry.outcome, entry.details ?? {}],
      );
      return Number(result.rows[0]!.id);
    },

    /** Newest first, at most `limit` (default 100). */
    async list(filter: AuditFilter = {}): Promise<AuditRecord[]> {
      const result = await db.query<{ id: string } & Omit<AuditRecord, 'id'>>(
        `SELECT id, at, actor, channel, action, subject, outcome, details FROM audit_log
         WHERE ($1::text IS NULL OR actor LIKE $1) AND ($2::text IS NULL OR channel LIKE $2) AND ($3::text IS NULL OR action LIKE $3)
           AND ($4::text IS NULL OR subject LIKE $4) AND ($5::text IS NULL OR outcome LIKE $5)
           AND ($6::timestamptz IS NULL OR at >= $6) AND ($7::timestamptz IS NULL OR at < $7)
         ORDER BY at DESC, id DESC LIMIT $8`,
        [
          likePattern(filter.actor),
          likePattern(filter.channel),
          likePattern(filter.action),
          likePattern(filter.subject),
          likePattern(filter.outcome),
          filter.since ?? null,
          filter.until ?? null,
          filter.limit ?? 100,
        ],
      );
      return result.rows.map((row) => ({ ...row, id: Number(row.id) }));
    },

    /** How many entries of each of `actions` were written in [from, to). */
    async countsBetween(actions: readonly string[], from: Date, to: Date): Promise<Record<string, number>> {
      const result = await db.query<{ action: string; n: number }>(
        'SELECT action, count(*)::int AS n FROM audit_log WHERE action = ANY($1::text[]) AND at >= $2 AND at < $3 GROUP BY action',
        [actions, from, to],
      );
      return Object.fromEntries(
        actions.map((action) => [action, result.rows.find((row) => row.action === action)?.n ?? 0]),
      );
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
