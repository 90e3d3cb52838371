-- Renovate pull requests: what GitHub said of each last, what Steward made of it, and where it stands
-- with the owner. `stage` is Steward's side:
--   new → assessing → assessed → asked → merging → merged       (approve)
--                                     ↘ deferred → assessed …   (defer: asked again when due)
--                                     ↘ rejected | ignored       (reject closes it on GitHub; ignore asks no more)
--   closed: closed on GitHub by someone else. A PR whose updates change goes back to `new`.
CREATE TABLE pull_requests (
  id               bigserial   PRIMARY KEY,
  repo             text        NOT NULL,
  number           integer     NOT NULL CHECK (number > 0),
  node_id          text,
  title            text        NOT NULL,
  url              text        NOT NULL,
  author           text        NOT NULL,
  head_ref         text        NOT NULL,
  head_sha         text        NOT NULL,
  base_ref         text        NOT NULL,
  state            text        NOT NULL CHECK (state IN ('open', 'merged', 'closed')),
  draft            boolean     NOT NULL DEFAULT false,
  updates          jsonb       NOT NULL DEFAULT '[]'::jsonb,
  update_type      text,
  release_notes    text        NOT NULL DEFAULT '',
  stage            text        NOT NULL DEFAULT 'new'
                   CHECK (stage IN ('new', 'assessing', 'assessed', 'asked', 'deferred', 'merging', 'merged', 'rejected', 'ignored', 'closed')),
  assessment       jsonb,
  question_id      bigint      REFERENCES questions (id) ON DELETE SET NULL,
  deferred_until   timestamptz,
  decided_by       text,
  merge_commit_sha text,
  closed_by        text,
  -- After a merge: waiting for a deployment, then deployed, failed, reverted, or untracked (none came).
  deploy_state     text        CHECK (deploy_state IN ('waiting', 'deployed', 'failed', 'reverted', 'untracked')),
  deploy_note      text,
  opened_at        timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  stage_changed_at timestamptz NOT NULL DEFAULT now(),
  merged_at        timestamptz,
  closed_at        timestamptz,
  UNIQUE (repo, number)
);
CREATE INDEX pull_requests_stage ON pull_requests (stage, stage_changed_at);
CREATE INDEX pull_requests_question ON pull_requests (question_id) WHERE question_id IS NOT NULL;

-- The last state of each check on a commit (check runs, check suites, commit statuses), from webhooks.
CREATE TABLE commit_checks (
  repo       text        NOT NULL,
  sha        text        NOT NULL,
  name       text        NOT NULL,
  state      text        NOT NULL CHECK (state IN ('pending', 'success', 'failure', 'neutral')),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (repo, sha, name)
);

-- GitHub deployment statuses are context events, found by the merged commit they deploy.
CREATE INDEX events_github_sha ON events ((payload->>'sha')) WHERE source = 'github';
