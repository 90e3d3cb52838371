-- Scheduled jobs (the weekly report, the daily summary, the owner's scheduled queries). A run is the
-- claim of one slot: two replicas ticking at once run it once, and a slot missed during downtime is
-- not run once per missed slot: only the latest one runs, after the start.
CREATE TABLE scheduled_jobs (
  job         text        PRIMARY KEY,
  first_seen  timestamptz NOT NULL
);

CREATE TABLE scheduled_runs (
  job         text        NOT NULL,
  slot        timestamptz NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  status      text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
  error       text,
  PRIMARY KEY (job, slot)
);
