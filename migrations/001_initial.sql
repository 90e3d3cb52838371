-- Steward's schema. Applied in order by `steward migrate` and at start, under an advisory lock.
-- Later issues extend it with new numbered files; an applied file is never edited.

-- Incidents: one per alert group (Alertmanager groupKey, Coroot incident key). The id is the
-- number people type in chat ("2 #14"), and the LangGraph thread id.
CREATE TABLE incidents (
  id              bigserial PRIMARY KEY,
  source          text        NOT NULL CHECK (source IN ('alertmanager', 'coroot', 'github', 'manual')),
  external_key    text        NOT NULL,
  status          text        NOT NULL DEFAULT 'open'
                  CHECK (status IN ('open', 'waiting', 'acting', 'verifying', 'resolved', 'closed')),
  title           text        NOT NULL,
  severity        text,
  labels          jsonb       NOT NULL DEFAULT '{}'::jsonb,
  annotations     jsonb       NOT NULL DEFAULT '{}'::jsonb,
  flapping        boolean     NOT NULL DEFAULT false,
  truncated_alerts integer    NOT NULL DEFAULT 0 CHECK (truncated_alerts >= 0),
  opened_at       timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  resolved_at     timestamptz,
  closed_at       timestamptz,
  close_reason    text
);
-- At most one live incident per group; a closed one leaves room for the next.
CREATE UNIQUE INDEX incidents_live_key ON incidents (source, external_key) WHERE closed_at IS NULL;
CREATE INDEX incidents_status ON incidents (status) WHERE closed_at IS NULL;
CREATE INDEX incidents_opened_at ON incidents (opened_at);

-- Alerts of an incident, keyed by Alertmanager's fingerprint (or the source's own id).
CREATE TABLE alerts (
  id              bigserial PRIMARY KEY,
  incident_id     bigint      NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  fingerprint     text        NOT NULL,
  alertname       text        NOT NULL,
  status          text        NOT NULL CHECK (status IN ('firing', 'resolved')),
  labels          jsonb       NOT NULL DEFAULT '{}'::jsonb,
  annotations     jsonb       NOT NULL DEFAULT '{}'::jsonb,
  starts_at       timestamptz,
  ends_at         timestamptz,
  generator_url   text,
  first_seen      timestamptz NOT NULL DEFAULT now(),
  last_seen       timestamptz NOT NULL DEFAULT now(),
  resolved_at     timestamptz,
  UNIQUE (incident_id, fingerprint)
);
CREATE INDEX alerts_firing ON alerts (incident_id) WHERE status = 'firing';

-- Every raw inbound delivery, for audit and replay. Headers are stored without secrets.
CREATE TABLE deliveries (
  id              bigserial PRIMARY KEY,
  source          text        NOT NULL,
  dedup_key       text,
  received_at     timestamptz NOT NULL DEFAULT now(),
  remote_address  text,
  headers         jsonb       NOT NULL DEFAULT '{}'::jsonb,
  body            jsonb       NOT NULL,
  incident_id     bigint      REFERENCES incidents (id) ON DELETE SET NULL
);
CREATE INDEX deliveries_received_at ON deliveries (received_at);
CREATE UNIQUE INDEX deliveries_dedup ON deliveries (source, dedup_key) WHERE dedup_key IS NOT NULL;

-- Context events that are not incidents (Coroot deployments, GitHub deployment statuses).
CREATE TABLE events (
  id              bigserial PRIMARY KEY,
  source          text        NOT NULL,
  kind            text        NOT NULL,
  subject         text        NOT NULL,
  occurred_at     timestamptz NOT NULL,
  payload         jsonb       NOT NULL DEFAULT '{}'::jsonb,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_subject_time ON events (subject, occurred_at DESC);

-- Outgoing chat messages: written first, sent by a worker (FOR UPDATE SKIP LOCKED), each once.
CREATE TABLE outbox (
  id              bigserial PRIMARY KEY,
  channel         text        NOT NULL,
  conversation    text        NOT NULL,
  kind            text        NOT NULL,
  payload         jsonb       NOT NULL,
  dedup_key       text        UNIQUE,
  incident_id     bigint      REFERENCES incidents (id) ON DELETE SET NULL,
  status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts        integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  platform_ref    text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';

-- Inbound chat messages already acted on (the same envelope delivered twice acts once).
CREATE TABLE inbound_messages (
  platform        text        NOT NULL,
  external_id     text        NOT NULL,
  received_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (platform, external_id)
);

-- Questions put to a human, and the one decision that answers each.
CREATE TABLE questions (
  id              bigserial PRIMARY KEY,
  incident_id     bigint      REFERENCES incidents (id) ON DELETE CASCADE,
  subject         text        NOT NULL DEFAULT 'incident',
  interrupt_id    text,
  kind            text        NOT NULL,
  prompt          text        NOT NULL,
  options         jsonb       NOT NULL DEFAULT '[]'::jsonb,
  status          text        NOT NULL DEFAULT 'open'
                  CHECK (status IN ('open', 'answered', 'expired', 'withdrawn')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz,
  closed_at       timestamptz
);
CREATE INDEX questions_open ON questions (created_at) WHERE status = 'open';
CREATE UNIQUE INDEX questions_interrupt ON questions (incident_id, interrupt_id) WHERE interrupt_id IS NOT NULL;

-- The claim row: the first answer inserted wins; a later one is told who chose.
CREATE TABLE decisions (
  question_id     bigint      PRIMARY KEY REFERENCES questions (id) ON DELETE CASCADE,
  answer          jsonb       NOT NULL,
  actor           text        NOT NULL,
  channel         text        NOT NULL,
  decided_at      timestamptz NOT NULL DEFAULT now(),
  resumed_at      timestamptz
);

-- Tool actions: written as started before the call, finished after; a started row after a crash
-- is never run again without asking.
CREATE TABLE actions (
  id              bigserial PRIMARY KEY,
  incident_id     bigint      REFERENCES incidents (id) ON DELETE SET NULL,
  question_id     bigint      REFERENCES questions (id) ON DELETE SET NULL,
  tool            text        NOT NULL,
  arguments       jsonb       NOT NULL DEFAULT '{}'::jsonb,
  trigger         text        NOT NULL CHECK (trigger IN ('approved', 'auto')),
  runbook_id      text,
  solution_id     text,
  status          text        NOT NULL DEFAULT 'started'
                  CHECK (status IN ('started', 'succeeded', 'failed', 'interrupted')),
  started_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz,
  result          jsonb,
  error           text
);
CREATE INDEX actions_incident ON actions (incident_id);
CREATE INDEX actions_started ON actions (started_at);

-- Every LLM call: feeds quotas, /metrics and the weekly report.
CREATE TABLE llm_usage (
  id              bigserial PRIMARY KEY,
  incident_id     bigint      REFERENCES incidents (id) ON DELETE SET NULL,
  purpose         text        NOT NULL,
  alias           text        NOT NULL,
  model           text,
  prompt_tokens   integer     NOT NULL DEFAULT 0,
  completion_tokens integer   NOT NULL DEFAULT 0,
  cost_usd        numeric(12, 6) NOT NULL DEFAULT 0,
  latency_ms      integer     NOT NULL,
  outcome         text        NOT NULL CHECK (outcome IN ('ok', 'error', 'budget_exceeded', 'rate_limited', 'timeout')),
  error           text,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX llm_usage_alias_time ON llm_usage (alias, created_at);

-- Who decided what, through which channel, when, and what came of it.
CREATE TABLE audit_log (
  id              bigserial PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  actor           text        NOT NULL,
  channel         text        NOT NULL,
  action          text        NOT NULL,
  subject         text,
  outcome         text        NOT NULL,
  details         jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_at ON audit_log (at);

-- Coordination on PostgreSQL, used when REDIS_URL is unset: keys with expiry (idempotency keys,
-- locks), counters with expiry (LLM quota) and due-time queues (snooze timers).
CREATE TABLE coord_keys (
  key             text        PRIMARY KEY,
  value           text        NOT NULL,
  expires_at      timestamptz NOT NULL
);
CREATE INDEX coord_keys_expires ON coord_keys (expires_at);

CREATE TABLE coord_counters (
  key             text        PRIMARY KEY,
  value           bigint      NOT NULL,
  expires_at      timestamptz NOT NULL
);

CREATE TABLE coord_queue (
  queue           text        NOT NULL,
  member          text        NOT NULL,
  due_at          timestamptz NOT NULL,
  payload         jsonb       NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (queue, member)
);
CREATE INDEX coord_queue_due ON coord_queue (queue, due_at);
