import type { Runbook } from '../../runbooks/runbook-schema.ts';
import type { Config } from '../config/index.ts';
import type { Pool } from '../db/pool.ts';
import type { Policy } from '../flow/policy-config.ts';
import type { Logger } from '../logging/index.ts';
import { createAgentApprovals, type AgentApprovals } from '../mcp-server/agent-approvals.ts';
import { createMcpSessions, type McpSessions } from '../mcp-server/mcp-sessions.ts';
import { createStewardMcpServer } from '../mcp-server/steward-mcp-server.ts';
import type { Chat } from './start-chat.ts';

export interface McpServerPartDeps {
  config: Pick<Config, 'mcpServerToken' | 'approvalTtlMs'>;
  pool: Pool;
  chat: Pick<Chat, 'desk'>;
  policy: Policy;
  logger: Logger;
  status: () => Promise<{ title: string; body: string }>;
  runbooks: () => readonly Runbook[];
}

/**
 * Steward as an MCP server, when MCP_SERVER_TOKEN is set: the approvals agents ask for (their
 * decisions come back through the decision router) and the sessions behind `/mcp`. Unset, nothing
 * is built and the route does not exist.
 */
export function createMcpServerPart(
  deps: McpServerPartDeps,
): { approvals: AgentApprovals; route: { token: string; sessions: McpSessions } } | undefined {
  const token = deps.config.mcpServerToken;
  if (!token) return undefined;
  const approvals = createAgentApprovals({
    pool: deps.pool,
    desk: deps.chat.desk,
    policy: { redlines: deps.policy.redlines, allow: deps.policy.allow },
    defaultTtlMs: deps.config.approvalTtlMs,
  });
  const sessions = createMcpSessions({
    createServer: (closing) =>
      createStewardMcpServer({ approvals, db: deps.pool, status: deps.status, runbooks: deps.runbooks }, closing),
    logger: deps.logger.child({ component: 'mcp-server' }),
  });
  deps.logger.info({ path: '/mcp' }, 'MCP server enabled');
  return { approvals, route: { token, sessions } };
}
