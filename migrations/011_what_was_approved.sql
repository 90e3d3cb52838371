-- What the owner approved, exactly: the SHA-256 of the canonical JSON of the calls the chosen option
-- showed (graphs/tool-call.ts). The runner refuses calls whose digest differs.
ALTER TABLE decisions ADD COLUMN action_digest text;

-- Every part of a message sent in several (a long Signal question is two messages), so that a quote
-- of any part leads back to the message, its question and its incident.
ALTER TABLE outbox ADD COLUMN part_refs text[];
UPDATE outbox SET part_refs = ARRAY[platform_ref] WHERE platform_ref IS NOT NULL;
CREATE INDEX outbox_part_refs ON outbox USING gin (part_refs);
