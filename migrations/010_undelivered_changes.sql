-- Incident changes that were stored but could not be handed to the flow (the coordination store was
-- down, the flow threw). They are retried until handed over, so an alert that arrived during an
-- outage is still asked about once the outage ends.
CREATE TABLE undelivered_changes (
  id             bigserial   PRIMARY KEY,
  incident_id    bigint      NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  change         jsonb       NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  attempts       integer     NOT NULL DEFAULT 1,
  last_error     text,
  -- Not retried before this time: backoff after a failure, or another replica's claim.
  next_attempt   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX undelivered_changes_due ON undelivered_changes (next_attempt);
