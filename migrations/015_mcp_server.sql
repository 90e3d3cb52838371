-- Approvals other agents ask for over MCP (docs/mcp-server.md). Each is a question like any other
-- (kind 'agent-approval', no incident): the same outbox, replies, decisions and audit. This row keeps
-- what the agent sent, as it sent it, beside the question the owner was shown.
CREATE TABLE agent_approvals (
  question_id     bigint      PRIMARY KEY REFERENCES questions (id) ON DELETE CASCADE,
  -- The MCP client's name from its initialize request: what the agent calls itself, not a proof.
  agent           text        NOT NULL,
  action          text        NOT NULL,
  details         jsonb,
  requested_at    timestamptz NOT NULL DEFAULT now()
);
