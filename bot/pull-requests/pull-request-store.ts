import type { Assessment, PullRequestView } from '../../graphs/pull-request/pull-request-messages.ts';
import type { RenovateUpdate } from '../../webhooks/github/renovate-pr.ts';
import type { Queryable } from '../db/pool.ts';

export type PullRequestStage = 'new' | 'assessing' | 'assessed' | 'asked' | 'deferred' | 'merging' | 'merged' | 'rejected' | 'ignored' | 'closed';

export interface PullRequestRow {
  id: string;
  repo: string;
  number: number;
  node_id: string | null;
  title: string;
  url: string;
  head_sha: string;
  base_ref: string;
  state: 'open' | 'merged' | 'closed';
  draft: boolean;
  updates: RenovateUpdate[];
  update_type: string | null;
  release_notes: string;
  stage: PullRequestStage;
  assessment: Assessment | null;
  question_id: string | null;
  deferred_until: Date | null;
  decided_by: string | null;
  merge_commit_sha: string | null;
  closed_by: string | null;
  deploy_state: string | null;
  stage_changed_at: Date;
  merged_at: Date | null;
}

/** Stages from which the owner's approve, defer, reject or ignore may still act. */
export const actionableStages: readonly PullRequestStage[] = ['new', 'assessing', 'assessed', 'asked', 'deferred', 'ignored'];

/** Pull requests as stored by intake, and the stage changes Steward makes; each change is a guarded UPDATE. */
export function createPullRequestStore(db: Queryable) {
  return {
    async byId(id: string): Promise<PullRequestRow | undefined> {
      return (await db.query<PullRequestRow>('SELECT * FROM pull_requests WHERE id = $1', [id])).rows[0];
    },

    /** Rows with this number, open ones and the most recently changed first (one per repository). */
    async byNumber(number: number): Promise<PullRequestRow[]> {
      return (await db.query<PullRequestRow>("SELECT * FROM pull_requests WHERE number = $1 ORDER BY (state = 'open') DESC, updated_at DESC", [number])).rows;
    },

    async forQuestion(questionId: number): Promise<PullRequestRow[]> {
      return (await db.query<PullRequestRow>('SELECT * FROM pull_requests WHERE question_id = $1 ORDER BY number', [questionId])).rows;
    },

    /** Moves a PR to `to` only from one of `from` (the claim: of two answers, one acts). */
    async claim(id: string, from: readonly PullRequestStage[], to: PullRequestStage, fields: Record<string, unknown> = {}): Promise<PullRequestRow | undefined> {
      const names = Object.keys(fields);
      const sets = names.map((name, index) => `${name} = $${index + 4}`);
      const result = await db.query<PullRequestRow>(
        `UPDATE pull_requests SET stage = $2, stage_changed_at = now()${sets.length ? `, ${sets.join(', ')}` : ''}
         WHERE id = $1 AND stage = ANY($3::text[]) RETURNING *`,
        [id, to, from, ...names.map((name) => fields[name])],
      );
      return result.rows[0];
    },

    async update(id: string, fields: Record<string, unknown>): Promise<void> {
      const names = Object.keys(fields);
      await db.query(`UPDATE pull_requests SET ${names.map((name, index) => `${name} = $${index + 2}`).join(', ')} WHERE id = $1`, [id, ...names.map((name) => fields[name])]);
    },

    /** The checks webhooks reported on a commit. */
    async checks(repo: string, sha: string): Promise<PullRequestView['checks']> {
      const rows = (await db.query<{ name: string; state: string }>('SELECT name, state FROM commit_checks WHERE repo = $1 AND sha = $2 ORDER BY name', [repo, sha])).rows;
      if (rows.length === 0) return undefined;
      return {
        passed: rows.filter((row) => row.state === 'success' || row.state === 'neutral').length,
        failing: rows.filter((row) => row.state === 'failure').map((row) => row.name.replace(/^(check|suite|status) /, '')),
        pending: rows.filter((row) => row.state === 'pending').length,
      };
    },

    async view(row: PullRequestRow): Promise<PullRequestView> {
      return {
        repo: row.repo,
        number: row.number,
        url: row.url,
        updates: row.updates,
        updateType: row.update_type ?? undefined,
        checks: await this.checks(row.repo, row.head_sha),
        assessment: row.assessment ?? undefined,
      };
    },
  };
}

export type PullRequestStore = ReturnType<typeof createPullRequestStore>;
