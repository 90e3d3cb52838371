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
  actor?: string;
  action?: string;
  since?: Date;
  limit?: number;
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

    async list(filter: AuditFilter = {}): Promise<AuditRecord[]> {
      const result = await db.query<{ id: string } & Omit<AuditRecord, 'id'>>(
        `SELECT id, at, actor, channel, action, subject, outcome, details FROM audit_log
         WHERE ($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR action = $2)
           AND ($3::timestamptz IS NULL OR at >= $3)
         ORDER BY id DESC LIMIT $4`,
        [filter.actor ?? null, filter.action ?? null, filter.since ?? null, filter.limit ?? 100],
      );
      return result.rows.map((row) => ({ ...row, id: Number(row.id) }));
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
