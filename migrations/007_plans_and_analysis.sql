-- A `custom:` plan runs several tool calls for one approved question: each step has its own claim,
-- so a re-run after a crash never runs a started step again and never skips ahead past it.
ALTER TABLE actions ADD COLUMN step integer NOT NULL DEFAULT 0;
DROP INDEX actions_once_per_question;
CREATE UNIQUE INDEX actions_once_per_question_step ON actions (question_id, step) WHERE question_id IS NOT NULL;

-- What the models said about an incident (triage verdict, diagnosis, a custom plan's summary), kept
-- for `details` and the reports: a checkpoint is the flow's memory, not something chat reads.
ALTER TABLE incidents ADD COLUMN analysis jsonb NOT NULL DEFAULT '{}'::jsonb;
