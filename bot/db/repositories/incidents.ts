import type { Queryable } from '../pool.ts';

export type IncidentSource = 'alertmanager' | 'coroot' | 'github' | 'grafana' | 'uptime-kuma' | 'generic' | 'manual';
export type IncidentStatus = 'open' | 'waiting' | 'acting' | 'verifying' | 'resolved' | 'closed';

export interface Incident {
  id: number;
  source: IncidentSource;
  externalKey: string;
  status: IncidentStatus;
  title: string;
  severity: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  flapping: boolean;
  truncatedAlerts: number;
  openedAt: Date;
  updatedAt: Date;
  resolvedAt: Date | null;
  closedAt: Date | null;
  closeReason: string | null;
  /** What the models said about it (triage, diagnosis, plans), kept for `details` and reports. */
  analysis: Record<string, unknown>;
}

export interface NewIncident {
  source: IncidentSource;
  externalKey: string;
  title: string;
  severity?: string | null;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface SeenState {
  changed: boolean;
  truncatedAlerts: number;
  title: string;
  severity: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** See alertStateDigest: lets the next identical delivery be stored as a repeat in one statement. */
  stateDigest: string;
}

interface IncidentRow {
  id: string;
  source: IncidentSource;
  external_key: string;
  status: IncidentStatus;
  title: string;
  severity: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  flapping: boolean;
  truncated_alerts: number;
  opened_at: Date;
  updated_at: Date;
  resolved_at: Date | null;
  closed_at: Date | null;
  close_reason: string | null;
  analysis: Record<string, unknown> | null;
}

function toIncident(row: IncidentRow): Incident {
  return {
    id: Number(row.id),
    source: row.source,
    externalKey: row.external_key,
    status: row.status,
    title: row.title,
    severity: row.severity,
    labels: row.labels,
    annotations: row.annotations,
    flapping: row.flapping,
    truncatedAlerts: row.truncated_alerts,
    openedAt: row.opened_at,
    updatedAt: row.updated_at,
    resolvedAt: row.resolved_at,
    closedAt: row.closed_at,
    closeReason: row.close_reason,
    analysis: row.analysis ?? {},
  };
}

/** Incidents over any db handle: the pool, or a client inside a transaction. */
export function createIncidentRepository(db: Queryable) {
  return {
    /** The live incident for this key, creating it if there is none; concurrent callers get one. */
    async openOrGet(input: NewIncident): Promise<{ incident: Incident; created: boolean }> {
      const inserted = await db.query<IncidentRow>(
        `INSERT INTO incidents (source, external_key, title, severity, labels, annotations)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (source, external_key) WHERE closed_at IS NULL DO NOTHING
         RETURNING *`,
        [
          input.source,
          input.externalKey,
          input.title,
          input.severity ?? null,
          input.labels ?? {},
          input.annotations ?? {},
        ],
      );
      if (inserted.rows[0]) return { incident: toIncident(inserted.rows[0]), created: true };
      const existing = await this.findLive(input.source, input.externalKey);
      if (!existing) throw new Error('incident vanished between insert and select');
      return { incident: existing, created: false };
    },

    /** `forUpdate` locks the row until the caller's transaction ends. */
    async findLive(
      source: IncidentSource,
      externalKey: string,
      options: { forUpdate?: boolean } = {},
    ): Promise<Incident | undefined> {
      const result = await db.query<IncidentRow>(
        `SELECT * FROM incidents WHERE source = $1 AND external_key = $2 AND closed_at IS NULL${options.forUpdate ? ' FOR UPDATE' : ''}`,
        [source, externalKey],
      );
      return result.rows[0] ? toIncident(result.rows[0]) : undefined;
    },

    /** Reopens the group's incident if it resolved less than `windowMs` ago, marking it flapping. */
    async reopenIfRecentlyResolved(
      source: IncidentSource,
      externalKey: string,
      windowMs: number,
    ): Promise<Incident | undefined> {
      const result = await db.query<IncidentRow>(
        `UPDATE incidents SET closed_at = NULL, resolved_at = NULL, close_reason = NULL, status = 'open', flapping = true,
           updated_at = now(), last_seen_at = now()
         WHERE id = (
           SELECT id FROM incidents
           WHERE source = $1 AND external_key = $2 AND close_reason = 'resolved'
             AND closed_at > now() - make_interval(secs => $3::double precision / 1000)
           ORDER BY closed_at DESC LIMIT 1)
         RETURNING *`,
        [source, externalKey, windowMs],
      );
      return result.rows[0] ? toIncident(result.rows[0]) : undefined;
    },

    /**
     * Records what a delivery showed. A change refreshes the description; a repeat only moves
     * `last_seen_at` (and the truncation count, which Alertmanager may vary).
     */
    async recordSeen(id: number, seen: SeenState): Promise<void> {
      if (seen.changed) {
        await db.query(
          `UPDATE incidents SET last_seen_at = now(), updated_at = now(), truncated_alerts = $2, title = $3,
             severity = COALESCE($4, severity), labels = $5, annotations = $6, state_digest = $7
           WHERE id = $1`,
          [id, seen.truncatedAlerts, seen.title, seen.severity, seen.labels, seen.annotations, seen.stateDigest],
        );
        return;
      }
      await db.query(
        'UPDATE incidents SET last_seen_at = now(), truncated_alerts = $2, state_digest = $3 WHERE id = $1',
        [id, seen.truncatedAlerts, seen.stateDigest],
      );
    },

    /** A member group's delivery: the incident was seen (and changed, when alerts came or went); its own description stays. */
    async recordMemberSeen(id: number, changed: boolean): Promise<void> {
      await db.query(
        `UPDATE incidents SET last_seen_at = now()${changed ? ', updated_at = now()' : ''} WHERE id = $1`,
        [id],
      );
    },

    /** Marks a newly opened incident with its group's correlation key, so later groups of other sources can find it. */
    async setCorrelationKey(id: number, correlationKey: string): Promise<void> {
      await db.query('UPDATE incidents SET correlation_key = $2 WHERE id = $1 AND correlation_key IS NULL', [
        id,
        correlationKey,
      ]);
    },

    /** Every alert stopped firing: the incident is resolved and closed (its key is free again). */
    async resolve(id: number): Promise<void> {
      await db.query(
        `UPDATE incidents SET status = 'resolved', resolved_at = now(), closed_at = now(), close_reason = 'resolved',
           updated_at = now(), state_digest = NULL
         WHERE id = $1`,
        [id],
      );
    },

    async get(id: number): Promise<Incident | undefined> {
      const result = await db.query<IncidentRow>('SELECT * FROM incidents WHERE id = $1', [id]);
      return result.rows[0] ? toIncident(result.rows[0]) : undefined;
    },

    async close(id: number, reason: string): Promise<Incident | undefined> {
      const result = await db.query<IncidentRow>(
        `UPDATE incidents SET status = 'closed', closed_at = now(), updated_at = now(), close_reason = $2
         WHERE id = $1 AND closed_at IS NULL RETURNING *`,
        [id, reason],
      );
      return result.rows[0] ? toIncident(result.rows[0]) : undefined;
    },

    /** The newest incidents first (live ones only unless `all`), for the MCP server's `list_incidents`. */
    async listRecent(limit: number, all = false): Promise<Incident[]> {
      const result = await db.query<IncidentRow>(
        `SELECT * FROM incidents${all ? '' : ' WHERE closed_at IS NULL'} ORDER BY opened_at DESC, id DESC LIMIT $1`,
        [limit],
      );
      return result.rows.map(toIncident);
    },

    async countLive(): Promise<number> {
      const result = await db.query<{ count: string }>('SELECT count(*) FROM incidents WHERE closed_at IS NULL');
      return Number(result.rows[0]?.count ?? 0);
    },

    // The incident flow's statements.

    /** Keeps what a model said (merged into `analysis`), for `details` and the reports. */
    async mergeAnalysis(id: number, analysis: Record<string, unknown>): Promise<void> {
      await db.query('UPDATE incidents SET analysis = analysis || $2 WHERE id = $1', [id, analysis]);
    },

    /** Other Coroot incidents of an application opened since `since`, newest first: its recent history. */
    async corootOfApplication(
      application: string,
      since: Date,
      exceptId: number,
      limit: number,
    ): Promise<{ id: number; title: string; openedAt: Date; closeReason: string | null }[]> {
      const result = await db.query<{ id: string; title: string; opened_at: Date; close_reason: string | null }>(
        `SELECT id, title, opened_at, close_reason FROM incidents
         WHERE source = 'coroot' AND labels->>'application' = $1 AND opened_at >= $2 AND id <> $3
         ORDER BY opened_at DESC LIMIT $4`,
        [application, since, exceptId, limit],
      );
      return result.rows.map((row) => ({
        id: Number(row.id),
        title: row.title,
        openedAt: row.opened_at,
        closeReason: row.close_reason,
      }));
    },

    /** A fix ran: its verification window is open (unless the incident closed meanwhile). */
    async markVerifying(id: number): Promise<void> {
      await db.query(
        "UPDATE incidents SET status = 'verifying', updated_at = now() WHERE id = $1 AND closed_at IS NULL",
        [id],
      );
    },

    /** Snoozed: asked about again later. */
    async markWaiting(id: number): Promise<void> {
      await db.query("UPDATE incidents SET status = 'waiting', updated_at = now() WHERE id = $1", [id]);
    },

    /** Nobody needs to act on it (still live for intake, whose repeats keep arriving). */
    async dismiss(id: number, reason: string): Promise<void> {
      await db.query("UPDATE incidents SET status = 'closed', close_reason = $2, updated_at = now() WHERE id = $1", [
        id,
        `dismissed: ${reason}`,
      ]);
    },

    /** Incidents a restart must look at: every live one, and any with an action cut off inside its tool call. */
    async needingRecovery(): Promise<number[]> {
      const result = await db.query<{ id: string }>(
        "SELECT id FROM incidents WHERE closed_at IS NULL UNION SELECT DISTINCT incident_id FROM actions WHERE status = 'started' AND incident_id IS NOT NULL",
      );
      return result.rows.map((row) => Number(row.id));
    },

    /** Live incidents, and how many of them flap, for `status`. */
    async liveCounts(): Promise<{ open: number; flapping: number }> {
      const result = await db.query<{ open: string; flapping: string }>(
        'SELECT count(*) AS open, count(*) FILTER (WHERE flapping) AS flapping FROM incidents WHERE closed_at IS NULL',
      );
      return { open: Number(result.rows[0]!.open), flapping: Number(result.rows[0]!.flapping) };
    },

    /** A report's figures for incidents opened in [from, to): how many, how many were acted on, how many dismissed, per day. */
    /** Incidents of the last `days` days whose title or labels name `word` (matched literally), newest first. */
    async mentioning(word: string, days: number): Promise<{ id: string; title: string; opened_at: Date }[]> {
      const pattern = `%${word.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
      const result = await db.query<{ id: string; title: string; opened_at: Date }>(
        `SELECT id, title, opened_at FROM incidents
         WHERE opened_at > now() - make_interval(days => $2) AND (title ILIKE $1 OR labels::text ILIKE $1)
         ORDER BY opened_at DESC LIMIT 10`,
        [pattern, days],
      );
      return result.rows;
    },

    /** Labelled critical (or page): such an incident's notices skip the digest. */
    async isCritical(id: number): Promise<boolean> {
      return (
        (await db.query("SELECT 1 FROM incidents WHERE id = $1 AND labels->>'severity' IN ('critical', 'page')", [id]))
          .rows.length > 0
      );
    },

    /** When the human was last told about alerts joining it: later alerts are the next update's. */
    async markUpdateSent(id: number): Promise<void> {
      await db.query('UPDATE incidents SET last_update_at = now() WHERE id = $1', [id]);
    },

    /** Alerts of a live incident firing since its last update, with its counts; undefined when there are none. */
    async alertsSinceLastUpdate(
      id: number,
    ): Promise<{ added: string[]; firing: number; truncated: number; flapping: boolean } | undefined> {
      const result = await db.query<{ fingerprint: string; firing: string; truncated: number; flapping: boolean }>(
        `SELECT a.fingerprint, (SELECT count(*) FROM alerts f WHERE f.incident_id = i.id AND f.status = 'firing') AS firing,
                i.truncated_alerts AS truncated, i.flapping
         FROM incidents i JOIN alerts a ON a.incident_id = i.id
         WHERE i.id = $1 AND i.closed_at IS NULL AND a.status = 'firing' AND a.first_seen > COALESCE(i.last_update_at, i.opened_at)`,
        [id],
      );
      const first = result.rows[0];
      return first
        ? {
            added: result.rows.map((row) => row.fingerprint),
            firing: Number(first.firing),
            truncated: first.truncated,
            flapping: first.flapping,
          }
        : undefined;
    },

    /**
     * Serializes deliveries of one alert group until the caller's transaction ends, so a notification
     * delivered twice at once (or by two replicas) makes one incident and one set of changes.
     */
    async lockGroupForTransaction(source: IncidentSource, externalKey: string): Promise<void> {
      await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`incident:${source}:${externalKey}`]);
    },

    async between(
      from: Date,
      to: Date,
    ): Promise<{ detected: number; acted: number; dismissed: number; perDay: { day: string; count: number }[] }> {
      const totals = await db.query<{ detected: number; acted: number; dismissed: number }>(
        `SELECT count(*)::int AS detected,
                count(*) FILTER (WHERE EXISTS (SELECT 1 FROM actions a WHERE a.incident_id = i.id))::int AS acted,
                count(*) FILTER (WHERE i.close_reason LIKE 'dismissed%')::int AS dismissed
         FROM incidents i WHERE i.opened_at >= $1 AND i.opened_at < $2`,
        [from, to],
      );
      const perDay = await db.query<{ day: string; n: number }>(
        "SELECT to_char(date_trunc('day', opened_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, count(*)::int AS n FROM incidents WHERE opened_at >= $1 AND opened_at < $2 GROUP BY 1",
        [from, to],
      );
      return { ...totals.rows[0]!, perDay: perDay.rows.map((row) => ({ day: row.day, count: row.n })) };
    },
  };
}

export type IncidentRepository = ReturnType<typeof createIncidentRepository>;
