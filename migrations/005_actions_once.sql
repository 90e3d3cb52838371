-- One execution per answered question: the actions row is the claim. A second insert for the same
-- question (a re-run after a crash, a second replica) finds it and never runs the tool again.
CREATE UNIQUE INDEX actions_once_per_question ON actions (question_id) WHERE question_id IS NOT NULL;
