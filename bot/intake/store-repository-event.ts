import type { CommitCheckEvent, PullRequestEvent } from '../../webhooks/intake-event.ts';
import type { PoolClient } from '../db/pool.ts';

/**
 * A pull request as GitHub last described it. An open PR whose updates changed (Renovate moved it to
 * a newer version) or that was reopened is assessed and asked about again; a PR merged or closed on
 * GitHub leaves Steward's stages it was in (the worker withdraws its question). Returns what happened.
 */
export async function storePullRequest(client: PoolClient, event: PullRequestEvent): Promise<string> {
  const result = await client.query<{ inserted: boolean; stage: string }>(
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
}

/** The latest state of one check on one commit. */
export async function storeCommitCheck(client: PoolClient, event: CommitCheckEvent): Promise<string> {
  await client.query(
    `INSERT INTO commit_checks (repo, sha, name, state) VALUES ($1, $2, $3, $4)
     ON CONFLICT (repo, sha, name) DO UPDATE SET state = EXCLUDED.state, updated_at = now()`,
    [event.repo, event.sha, event.name, event.state],
  );
  return `check ${event.state}`;
}
