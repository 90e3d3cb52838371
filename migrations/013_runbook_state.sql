-- Runbooks shared by every replica. The definition (trigger, solutions and their calls, promotion
-- criteria) is the YAML text a file held, comments and all; statistics and the automation level live
-- in columns, changed by single UPDATE statements so that outcomes recorded by many replicas at once
-- are never lost. Each replica writes its runbook folder from these rows and imports hand edits of
-- its files (docs/runbook-state.md).
CREATE SEQUENCE runbook_changes;

CREATE TABLE runbooks (
  id                text        PRIMARY KEY,
  -- The runbook's YAML as last imported or written; its counters and level are overwritten from the
  -- columns below whenever a file is written.
  document          text        NOT NULL,
  -- sha256 of the definition with its level and promoted solution (counters left out): a file whose
  -- digest is neither this nor a known revision was edited by hand.
  digest            text        NOT NULL,
  automation_level  text        NOT NULL DEFAULT 'ask_human' CHECK (automation_level IN ('ask_human', 'auto_notify', 'auto_silent')),
  promoted_solution text,
  -- From runbook_changes on every change: a replica reads the rows past the last number it saw.
  change            bigint      NOT NULL DEFAULT nextval('runbook_changes'),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX runbooks_change ON runbooks (change);

CREATE TABLE runbook_solutions (
  runbook_id        text        NOT NULL REFERENCES runbooks (id) ON DELETE CASCADE,
  solution_id       text        NOT NULL,
  human_selected    integer     NOT NULL DEFAULT 0 CHECK (human_selected >= 0),
  successes         integer     NOT NULL DEFAULT 0 CHECK (successes >= 0),
  failures          integer     NOT NULL DEFAULT 0 CHECK (failures >= 0),
  last_used         text,
  PRIMARY KEY (runbook_id, solution_id)
);

-- Every definition digest a runbook has had: a file still showing an older one is stale (a replica's
-- folder behind the database), rewritten, never imported. A few rows per hand edit or level change.
CREATE TABLE runbook_revisions (
  runbook_id        text        NOT NULL REFERENCES runbooks (id) ON DELETE CASCADE,
  digest            text        NOT NULL,
  seen_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (runbook_id, digest)
);
