-- A signed delivery (GitHub) is also known by the SHA-256 of its body as received: the signature covers
-- those bytes, so the same bytes again are a replay, stored once even under a new or missing delivery
-- id. Unsigned senders leave it NULL (Alertmanager repeats identical bodies on purpose).
ALTER TABLE deliveries ADD COLUMN body_digest text;
CREATE UNIQUE INDEX deliveries_body_digest ON deliveries (source, body_digest) WHERE body_digest IS NOT NULL;
