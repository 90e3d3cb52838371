-- Grafana, Uptime Kuma and generic JSON webhooks open incidents too (issue 23).
ALTER TABLE incidents DROP CONSTRAINT incidents_source_check;
ALTER TABLE incidents ADD CONSTRAINT incidents_source_check
  CHECK (source IN ('alertmanager', 'coroot', 'github', 'grafana', 'uptime-kuma', 'generic', 'manual'));

-- Alerts from different sources about the same thing (their coalescing labels, COALESCE_LABELS, agree)
-- make one incident: the first group opens it, a group from another source joins it as a member.
ALTER TABLE incidents ADD COLUMN correlation_key text;
CREATE INDEX incidents_live_correlation ON incidents (correlation_key) WHERE closed_at IS NULL AND correlation_key IS NOT NULL;

CREATE TABLE incident_members (
  incident_id     bigint      NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  source          text        NOT NULL,
  external_key    text        NOT NULL,
  joined_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, external_key, incident_id)
);
CREATE INDEX incident_members_incident ON incident_members (incident_id);

-- Which member group reported an alert (`source` newline `external_key`); NULL for the incident's own group.
-- A group's notification only ends its own alerts, never another source's.
ALTER TABLE alerts ADD COLUMN member_of text;
