import type { AutomationLevel } from '../../../runbooks/runbook-schema.ts';
import type { RunbookState, SolutionCounters } from '../../../runbooks/runbook-state.ts';
import { inTransaction as runInTransaction, type Pool, type PoolClient, type Queryable } from '../pool.ts';

/** One runbook as the database holds it. */
export interface RunbookRow extends RunbookState {
  id: string;
  document: string;
  digest: string;
  change: number;
}

/** A definition to store: its YAML, digest, level, and the counters a new solution starts from. */
export interface RunbookDefinition {
  id: string;
  document: string;
  digest: string;
  automation_level: AutomationLevel;
  promoted_solution: string | undefined;
  solutions: { id: string; counters: SolutionCounters }[];
}

interface Row {
  id: string;
  document: string;
  digest: string;
  automation_level: AutomationLevel;
  promoted_solution: string | null;
  change: string;
  counters:
    | { solution_id: string; human_selected: number; successes: number; failures: number; last_used: string | null }[]
    | null;
}

const SELECT = `SELECT r.id, r.document, r.digest, r.automation_level, r.promoted_solution, r.change,
  (SELECT json_agg(s) FROM runbook_solutions s WHERE s.runbook_id = r.id) AS counters FROM runbooks r`;

function toRow(row: Row): RunbookRow {
  return {
    id: row.id,
    document: row.document,
    digest: row.digest,
    automation_level: row.automation_level,
    promoted_solution: row.promoted_solution ?? undefined,
    change: Number(row.change),
    counters: new Map(
      (row.counters ?? []).map((c) => [
        c.solution_id,
        {
          human_selected: c.human_selected,
          successes: c.successes,
          failures: c.failures,
          last_used: c.last_used ?? undefined,
        },
      ]),
    ),
  };
}

/**
 * The `runbooks`, `runbook_solutions` and `runbook_revisions` tables (migration 013). Counters change
 * by `x = x + 1` in one statement and levels by one UPDATE, each taking the next `runbook_changes`
 * number, so concurrent replicas never lose an outcome and each learns of the others' changes by
 * reading the rows past the last number it saw.
 */
export function createRunbookStateRepository(pool: Pool) {
  const inTransaction = <T>(work: (client: PoolClient) => Promise<T>): Promise<T> => runInTransaction(pool, work);

  async function addSolutions(db: Queryable, definition: RunbookDefinition): Promise<void> {
    for (const solution of definition.solutions) {
      const c = solution.counters;
      await db.query(
        'INSERT INTO runbook_solutions (runbook_id, solution_id, human_selected, successes, failures, last_used) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
        [definition.id, solution.id, c.human_selected, c.successes, c.failures, c.last_used ?? null],
      );
    }
  }

  async function get(id: string): Promise<RunbookRow | undefined> {
    const result = await pool.query<Row>(`${SELECT} WHERE r.id = $1`, [id]);
    return result.rows[0] ? toRow(result.rows[0]) : undefined;
  }

  return {
    get,

    /** Runbooks changed after `change` (every runbook from 0). */
    async changedSince(change: number): Promise<RunbookRow[]> {
      const result = await pool.query<Row>(`${SELECT} WHERE r.change > $1 ORDER BY r.change`, [change]);
      return result.rows.map(toRow);
    },

    async revisions(id: string): Promise<Set<string>> {
      const result = await pool.query<{ digest: string }>(
        'SELECT digest FROM runbook_revisions WHERE runbook_id = $1',
        [id],
      );
      return new Set(result.rows.map((row) => row.digest));
    },

    /** Stores a runbook nobody had; false when the id is taken (another replica was first). */
    async insert(definition: RunbookDefinition): Promise<boolean> {
      return inTransaction(async (client) => {
        const inserted = await client.query(
          'INSERT INTO runbooks (id, document, digest, automation_level, promoted_solution) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING RETURNING 1',
          [
            definition.id,
            definition.document,
            definition.digest,
            definition.automation_level,
            definition.promoted_solution ?? null,
          ],
        );
        if (inserted.rowCount !== 1) return false;
        await client.query(
          'INSERT INTO runbook_revisions (runbook_id, digest) VALUES ($1, $2) ON CONFLICT DO NOTHING',
          [definition.id, definition.digest],
        );
        await addSolutions(client, definition);
        return true;
      });
    },

    /**
     * A hand edit: the definition and level from the file, counters kept (new solutions start from
     * the file's). Under the row lock, and only if the database's digest is still `expected`: an edit
     * another replica imported first is not imported twice. Returns whether it was imported.
     */
    async importEdit(definition: RunbookDefinition, expected: string): Promise<boolean> {
      return inTransaction(async (client) => {
        const current = await client.query<{ digest: string }>('SELECT digest FROM runbooks WHERE id = $1 FOR UPDATE', [
          definition.id,
        ]);
        if (current.rows[0]?.digest !== expected) return false;
        await client.query(
          "UPDATE runbooks SET document = $2, digest = $3, automation_level = $4, promoted_solution = $5, change = nextval('runbook_changes'), updated_at = now() WHERE id = $1",
          [
            definition.id,
            definition.document,
            definition.digest,
            definition.automation_level,
            definition.promoted_solution ?? null,
          ],
        );
        await client.query(
          'INSERT INTO runbook_revisions (runbook_id, digest) VALUES ($1, $2) ON CONFLICT DO NOTHING',
          [definition.id, definition.digest],
        );
        await addSolutions(client, definition);
        return true;
      });
    },

    /** One outcome, atomically: `x = x + 1` on the solution's row. Undefined for an unknown solution. */
    async recordOutcome(
      runbookId: string,
      solutionId: string,
      succeeded: boolean,
      day: string,
    ): Promise<RunbookRow | undefined> {
      const updated = await pool.query(
        `WITH s AS (UPDATE runbook_solutions SET human_selected = human_selected + 1, successes = successes + $3, failures = failures + $4,
                      last_used = GREATEST(coalesce(last_used, ''), $5) WHERE runbook_id = $1 AND solution_id = $2 RETURNING 1)
         UPDATE runbooks SET change = nextval('runbook_changes'), updated_at = now() WHERE id = $1 AND EXISTS (SELECT 1 FROM s) RETURNING 1`,
        [runbookId, solutionId, succeeded ? 1 : 0, succeeded ? 0 : 1, day],
      );
      return updated.rowCount === 1 ? get(runbookId) : undefined;
    },

    /** A new level (with the digest of the definition at that level), in one UPDATE. */
    async setLevel(
      runbookId: string,
      level: AutomationLevel,
      promoted: string | undefined,
      digest: string,
    ): Promise<RunbookRow | undefined> {
      const updated = await pool.query(
        `WITH r AS (UPDATE runbooks SET automation_level = $2, promoted_solution = $3, digest = $4, change = nextval('runbook_changes'), updated_at = now() WHERE id = $1 RETURNING id)
         INSERT INTO runbook_revisions (runbook_id, digest) SELECT id, $4 FROM r ON CONFLICT DO NOTHING RETURNING 1`,
        [runbookId, level, promoted ?? null, digest],
      );
      const exists =
        updated.rowCount === 1 ||
        (await pool.query('SELECT 1 FROM runbooks WHERE id = $1', [runbookId])).rowCount === 1;
      return exists ? get(runbookId) : undefined;
    },
  };
}

export type RunbookStateRepository = ReturnType<typeof createRunbookStateRepository>;
