-- Outbox: who holds a message while sending it (a lease, so a crashed sender's message is retried),
-- and which question each message carries.
ALTER TABLE outbox ADD COLUMN leased_until timestamptz;
CREATE INDEX outbox_pending_due ON outbox (status, next_attempt_at) WHERE status = 'pending';
