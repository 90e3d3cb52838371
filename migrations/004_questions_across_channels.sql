-- Questions go to every configured chat channel: each outbox row knows the question it carries, so a
-- quote-reply or thread reply (which names the platform's message) leads back to its question, and
-- when one channel's answer wins the other channels' copies are followed up or, if unsent, cancelled.
ALTER TABLE outbox ADD COLUMN question_id bigint REFERENCES questions (id) ON DELETE SET NULL;
CREATE INDEX outbox_question ON outbox (question_id) WHERE question_id IS NOT NULL;
CREATE INDEX outbox_platform_ref ON outbox (channel, platform_ref) WHERE platform_ref IS NOT NULL;

ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check CHECK (status IN ('pending', 'sent', 'failed', 'cancelled'));

-- How the one who decided is shown (a Signal profile name, a Mattermost username); `actor` is their id.
ALTER TABLE decisions ADD COLUMN actor_name text;

-- The option `approve` (or a 👍 reaction) stands for, when the question has one.
ALTER TABLE questions ADD COLUMN default_option integer;
ALTER TABLE questions ADD COLUMN title text NOT NULL DEFAULT '';
ALTER TABLE questions ADD COLUMN reply_hint text NOT NULL DEFAULT '';
