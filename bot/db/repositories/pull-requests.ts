import type { Assessment, PullRequestView } from '../../../graphs/pull-request/pull-request-messages.ts';
import type { RenovateUpdate } from '../../../webhooks/github/renovate-pr.ts';
import type { CommitCheckEvent, PullRequestEvent } from '../../../webhooks/intake-event.ts';
import type { Queryable } from '../pool.ts';

export type PullRequestStage =
  'new' | 'assessing' | 'assessed' | 'asked' | 'deferred' | 'merging' | 'merged' | 'rejected' | 'ignored' | 'closed';

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
export const actionableStages: readonly PullRequestStage[] = [
  'new',
  'assessing',
  'assessed',
  'asked',
  'deferred',
  'ignored',
];

/** A PR question and the PRs it asked about, for withdrawing it once none waits for the answer. */
export interface AskedPullRequests {
  id: string;
  prs: { number: number; stage: string; closed_by: string | null; title: string; updates: PullRequestRow['updates'] }[];
}

/** How long a claim (assessing, merging) may stay before another pass takes it over: the process died. */
const STALE_CLAIM = "interval '10 minutes'";

/** Pull requests as stored by intake, and the stage changes Steward makes; each change is a guarded UPDATE. */
export function createPullRequestRepository(db: Queryable) {
  return {
    async byId(id: string): Promise<PullRequestRow | undefined> {
      return (await db.query<PullRequestRow>('SELECT * FROM pull_requests WHERE id = $1', [id])).rows[0];
    },

    /** Rows with this number, open ones and the most recently changed first (one per repository). */
    async byNumber(number: number): Promise<PullRequestRow[]> {
      return (
        await db.query<PullRequestRow>(
          "SELECT * FROM pull_requests WHERE number = $1 ORDER BY (state = 'open') DESC, updated_at DESC",
          [number],
        )
      ).rows;
    },

    async forQuestion(questionId: number): Promise<PullRequestRow[]> {
      return (
        await db.query<PullRequestRow>('SELECT * FROM pull_requests WHERE question_id = $1 ORDER BY number', [
          questionId,
        ])
      ).rows;
    },

    /** Moves a PR to `to` only from one of `from` (the claim: of two answers, one acts). */
    async claim(
      id: string,
      from: readonly PullRequestStage[],
      to: PullRequestStage,
      fields: Record<string, unknown> = {},
    ): Promise<PullRequestRow | undefined> {
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
      await db.query(
        `UPDATE pull_requests SET ${names.map((name, index) => `${name} = $${index + 2}`).join(', ')} WHERE id = $1`,
        [id, ...names.map((name) => fields[name])],
      );
    },

    /** The checks webhooks reported on a commit. */
    async checks(repo: string, sha: string): Promise<PullRequestView['checks']> {
      const rows = (
        await db.query<{ name: string; state: string }>(
          'SELECT name, state FROM commit_checks WHERE repo = $1 AND sha = $2 ORDER BY name',
          [repo, sha],
        )
      ).rows;
      if (rows.length === 0) return undefined;
      return {
        passed: rows.filter((row) => row.state === 'success' || row.state === 'neutral').length,
        failing: rows
          .filter((row) => row.state === 'failure')
          .map((row) => row.name.replace(/^(check|suite|status) /, '')),
        pending: rows.filter((row) => row.state === 'pending').length,
      };
    },

    /**
     * A pull request as GitHub last described it. An open PR whose updates changed (Renovate moved it to
     * a newer version) or that was reopened is assessed and asked about again; a PR merged or closed on
     * GitHub leaves Steward's stages (the worker withdraws its question). Returns what happened.
     */
    async storeFromGitHub(event: PullRequestEvent): Promise<string> {
      const result = await db.query<{ inserted: boolean; stage: string }>(
        `INSERT INTO pull_requests AS p (repo, number, node_id, title, url, author, head_ref, head_sha, base_ref, state, draft, updates, update_type, release_notes,
                                       stage, merge_commit_sha, closed_by, merged_at, closed_at, deploy_state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
               CASE $10 WHEN 'open' THEN 'new' ELSE $10 END, $15, $16,
               CASE WHEN $10 = 'merged' THEN now() END, CASE WHEN $10 <> 'open' THEN now() END, CASE WHEN $10 = 'merged' THEN 'waiting' END)
       ON CONFLICT (repo, number) DO UPDATE SET
         node_id = COALESCE(EXCLUDED.node_id, p.node_id), title = EXCLUDED.title, url = EXCLUDED.url, head_ref = EXCLUDED.head_ref,
         head_sha = EXCLUDED.head_sha, base_ref = EXCLUDED.base_ref, state = EXCLUDED.state, draft = EXCLUDED.draft,
         updates = EXCLUDED.updates, update_type = EXCLUDED.update_type, release_notes = EXCLUDED.release_notes, updated_at = now(),
         merge_commit_sha = COALESCE(p.merge_commit_sha, EXCLUDED.merge_commit_sha),
         closed_by = CASE WHEN EXCLUDED.state = 'open' THEN NULL ELSE COALESCE(p.closed_by, EXCLUDED.closed_by) END,
         merged_at = CASE WHEN EXCLUDED.state = 'merged' THEN COALESCE(p.merged_at, now()) END,
         closed_at = CASE WHEN EXCLUDED.state <> 'open' THEN COALESCE(p.closed_at, now()) END,
         deploy_state = CASE WHEN EXCLUDED.state = 'merged' THEN COALESCE(p.deploy_state, 'waiting') ELSE p.deploy_state END,
         stage = CASE
           WHEN EXCLUDED.state = 'merged' THEN 'merged'
           WHEN EXCLUDED.state = 'closed' THEN CASE WHEN p.stage = 'rejected' THEN 'rejected' ELSE 'closed' END
           WHEN p.state <> 'open' THEN 'new'
           WHEN p.updates IS DISTINCT FROM EXCLUDED.updates AND p.stage NOT IN ('new', 'merging') THEN 'new'
           ELSE p.stage END,
         stage_changed_at = CASE
           WHEN EXCLUDED.state <> p.state OR (p.updates IS DISTINCT FROM EXCLUDED.updates AND p.stage NOT IN ('new', 'merging')) THEN now()
           ELSE p.stage_changed_at END
       RETURNING (xmax = 0) AS inserted, stage`,
        [
          event.repo,
          event.number,
          event.nodeId,
          event.title,
          event.url,
          event.author,
          event.headRef,
          event.headSha,
          event.baseRef,
          event.state,
          event.draft,
          JSON.stringify(event.details.updates),
          event.details.updateType ?? null,
          event.details.releaseNotes,
          event.mergeCommitSha,
          event.closedBy,
        ],
      );
      const row = result.rows[0]!;
      return `pull request ${row.inserted ? 'stored' : 'updated'} (${row.stage})`;
    },

    /** The latest state of one check on one commit. */
    async storeCheck(event: CommitCheckEvent): Promise<string> {
      await db.query(
        `INSERT INTO commit_checks (repo, sha, name, state) VALUES ($1, $2, $3, $4)
         ON CONFLICT (repo, sha, name) DO UPDATE SET state = EXCLUDED.state, updated_at = now()`,
        [event.repo, event.sha, event.name, event.state],
      );
      return `check ${event.state}`;
    },

    /** Check states older than `days`: they arrive for every commit, and only recent ones are ever shown. */
    async deleteChecksOlderThan(days: number): Promise<void> {
      await db.query('DELETE FROM commit_checks WHERE updated_at < now() - make_interval(days => $1)', [days]);
    },

    /** Open PR questions none of whose PRs still waits in 'asked': merged, closed or changed elsewhere, or answered by number. */
    async questionsNoLongerWaiting(): Promise<AskedPullRequests[]> {
      const result = await db.query<AskedPullRequests>(
        `SELECT q.id, json_agg(json_build_object('number', p.number, 'stage', p.stage, 'closed_by', p.closed_by, 'title', p.title, 'updates', p.updates) ORDER BY p.number) AS prs
         FROM questions q JOIN pull_requests p ON p.question_id = q.id
         WHERE q.status = 'open' AND q.kind IN ('pull-request', 'pull-request-digest')
         GROUP BY q.id HAVING bool_and(p.stage <> 'asked')`,
      );
      return result.rows;
    },

    /** Up to ten new PRs (or ones whose assessment stalled) claimed for assessment. */
    async claimForAssessment(): Promise<PullRequestRow[]> {
      const result = await db.query<PullRequestRow>(
        `UPDATE pull_requests SET stage = 'assessing', stage_changed_at = now()
         WHERE id IN (SELECT id FROM pull_requests
                      WHERE state = 'open' AND NOT draft AND (stage = 'new' OR (stage = 'assessing' AND stage_changed_at < now() - ${STALE_CLAIM}))
                      ORDER BY id LIMIT 10 FOR UPDATE SKIP LOCKED)
         RETURNING *`,
      );
      return result.rows;
    },

    /** A merge that never finished (the process died mid-call) goes back to 'asked'. */
    async releaseStaleMerges(): Promise<void> {
      await db.query(
        `UPDATE pull_requests SET stage = 'asked', stage_changed_at = now() WHERE stage = 'merging' AND state = 'open' AND stage_changed_at < now() - ${STALE_CLAIM}`,
      );
    },

    /** PRs whose question expired unanswered are deferred until `until`. */
    async deferExpiredQuestions(until: Date): Promise<void> {
      await db.query(
        `UPDATE pull_requests p SET stage = 'deferred', deferred_until = $1, stage_changed_at = now()
         FROM questions q WHERE q.id = p.question_id AND q.status = 'expired' AND p.stage = 'asked' AND p.state = 'open'`,
        [until],
      );
    },

    async wakeDeferred(now: Date): Promise<void> {
      await db.query(
        "UPDATE pull_requests SET stage = 'assessed', stage_changed_at = now(), deferred_until = NULL WHERE stage = 'deferred' AND state = 'open' AND deferred_until <= $1",
        [now],
      );
    },

    /** Assessed open PRs, oldest first: the next question or digest. */
    async readyToAsk(): Promise<PullRequestRow[]> {
      return (
        await db.query<PullRequestRow>(
          "SELECT * FROM pull_requests WHERE stage = 'assessed' AND state = 'open' AND NOT draft ORDER BY stage_changed_at, number",
        )
      ).rows;
    },

    /** True while some open PR is still new or being assessed (a digest waits for it). */
    async anyBeingAssessed(): Promise<boolean> {
      return (
        ((
          await db.query(
            "SELECT 1 FROM pull_requests WHERE stage IN ('new', 'assessing') AND state = 'open' AND NOT draft LIMIT 1",
          )
        ).rowCount ?? 0) > 0
      );
    },

    async markAsked(ids: string[], questionId: number): Promise<void> {
      await db.query(
        "UPDATE pull_requests SET stage = 'asked', question_id = $2, stage_changed_at = now() WHERE id = ANY($1::bigint[]) AND stage = 'assessed'",
        [ids, questionId],
      );
    },

    /** Claims a waiting PR's deployment outcome once (GitHub's status and the rollout tool may both tell). */
    async settleDeployment(id: string, outcome: 'deployed' | 'failed', note: string): Promise<boolean> {
      return (
        (
          await db.query(
            "UPDATE pull_requests SET deploy_state = $2, deploy_note = $3 WHERE id = $1 AND deploy_state = 'waiting' RETURNING id",
            [id, outcome, note],
          )
        ).rowCount === 1
      );
    },

    /** Merged PRs still waiting, each with the latest final deployment status GitHub sent for its merge commit. */
    async waitingWithDeploymentStatus(): Promise<
      (PullRequestRow & { deployment: { state: string; environment: string; description: string | null } })[]
    > {
      const result = await db.query<
        PullRequestRow & { deployment: { state: string; environment: string; description: string | null } }
      >(
        `SELECT p.*, e.payload AS deployment FROM pull_requests p
         JOIN LATERAL (SELECT payload FROM events e
                       WHERE e.source = 'github' AND e.kind = 'deployment-status' AND e.subject = p.repo AND e.payload->>'sha' = p.merge_commit_sha
                         AND e.payload->>'state' IN ('success', 'failure', 'error')
                       ORDER BY e.id DESC LIMIT 1) e ON true
         WHERE p.deploy_state = 'waiting'`,
      );
      return result.rows;
    },

    async waitingForDeployment(): Promise<PullRequestRow[]> {
      return (
        await db.query<PullRequestRow>(
          "SELECT * FROM pull_requests WHERE deploy_state = 'waiting' AND merged_at IS NOT NULL ORDER BY merged_at",
        )
      ).rows;
    },

    async noteDeployment(id: string, note: string): Promise<void> {
      await db.query("UPDATE pull_requests SET deploy_note = $2 WHERE id = $1 AND deploy_state = 'waiting'", [
        id,
        note,
      ]);
    },

    /** PRs merged before `mergedBefore` and still not seen deployed stop being followed. */
    async stopFollowingMergedBefore(mergedBefore: Date): Promise<(PullRequestRow & { deploy_note: string | null })[]> {
      return (
        await db.query<PullRequestRow & { deploy_note: string | null }>(
          "UPDATE pull_requests SET deploy_state = 'untracked' WHERE deploy_state = 'waiting' AND merged_at < $1 RETURNING *",
          [mergedBefore],
        )
      ).rows;
    },

    /** The merged PR that brought `version` of `packageName` to `repo`, the latest first. */
    async lastMergedBringing(
      repo: string,
      packageName: string,
      version: string,
    ): Promise<{ number: number; merged_at: Date } | undefined> {
      const result = await db.query<{ number: number; merged_at: Date }>(
        "SELECT number, merged_at FROM pull_requests WHERE repo = $1 AND state = 'merged' AND merged_at IS NOT NULL AND updates @> $2::jsonb ORDER BY merged_at DESC LIMIT 1",
        [repo, JSON.stringify([{ package: packageName, to: version }])],
      );
      return result.rows[0];
    },

    /** For the weekly report: merged and rejected in [from, to), and what is still waiting or deferred now. */
    async summaryBetween(
      from: Date,
      to: Date,
    ): Promise<{ merged: number; rejected: number; waiting: number[]; deferred: { number: number; until: Date }[] }> {
      const result = await db.query<{
        merged: number;
        rejected: number;
        waiting: number[];
        deferred: { number: number; until: Date }[];
      }>(
        `SELECT count(*) FILTER (WHERE merged_at >= $1 AND merged_at < $2)::int AS merged,
                count(*) FILTER (WHERE stage = 'rejected' AND closed_at >= $1 AND closed_at < $2)::int AS rejected,
                COALESCE(array_agg(number ORDER BY number) FILTER (WHERE state = 'open' AND stage IN ('new', 'assessing', 'assessed', 'asked')), '{}') AS waiting,
                COALESCE(json_agg(json_build_object('number', number, 'until', deferred_until) ORDER BY deferred_until) FILTER (WHERE state = 'open' AND stage = 'deferred'), '[]') AS deferred
         FROM pull_requests`,
        [from, to],
      );
      return result.rows[0]!;
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

export type PullRequestRepository = ReturnType<typeof createPullRequestRepository>;
