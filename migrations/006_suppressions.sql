-- "No, expected" / "ignore": the same alert with the same stable labels is not asked about again
-- until `until` (IGNORE_DAYS). Each row is one such preference, with who expressed it.
CREATE TABLE suppressions (
  id          bigserial   PRIMARY KEY,
  match_key   text        NOT NULL,
  labels      jsonb       NOT NULL,
  until       timestamptz NOT NULL,
  actor       text,
  reason      text,
  incident_id bigint      REFERENCES incidents (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX suppressions_match ON suppressions (match_key, until);
