-- Alert intake: when an incident was last seen (a repeat notification updates only this) and when the
-- human last heard about new alerts in it (updates are coalesced); context events stored once.

ALTER TABLE incidents ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE incidents ADD COLUMN last_update_at timestamptz;
-- A digest of the alert states last applied (fingerprint and status of each, truncation): a delivery
-- with the same digest is a repeat and is stored in one statement, without the full transaction.
ALTER TABLE incidents ADD COLUMN state_digest text;

-- Finding a recently resolved incident of the same group (flapping) without a scan.
CREATE INDEX incidents_recently_closed ON incidents (source, external_key, closed_at DESC) WHERE closed_at IS NOT NULL;

ALTER TABLE events ADD COLUMN dedup_key text;
CREATE UNIQUE INDEX events_dedup ON events (source, dedup_key) WHERE dedup_key IS NOT NULL;

ALTER TABLE deliveries ADD COLUMN outcome text;
