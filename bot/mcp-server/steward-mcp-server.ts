import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { packageVersion } from '../cli/package-version.ts';
import type { AgentApprovals } from './agent-approvals.ts';
import { registerApprovalTools } from './approval-tools.ts';
import { registerReadTools, type ReadToolsDeps } from './read-tools.ts';

export interface StewardMcpServerDeps extends ReadToolsDeps {
  approvals: AgentApprovals;
  /** How often a waiting `request_approval` sends a progress notification (default 15 s). */
  progressEveryMs?: number;
}

const version = packageVersion();

/** One session's MCP server: Steward's tools for the agent that opened it. */
export function createStewardMcpServer(deps: StewardMcpServerDeps, closing: AbortSignal): McpServer {
  const server = new McpServer(
    { name: 'steward', version },
    {
      capabilities: { tools: {} },
      instructions:
        'Ask Steward’s owner before a risky step: request_approval, then proceed only when its status is "approved".',
    },
  );
  registerApprovalTools(server, deps.approvals, {
    // What the client called itself when it connected: shown to the owner, never trusted further.
    clientName: () => server.server.getClientVersion()?.name ?? 'an unnamed MCP client',
    closing,
    progressEveryMs: deps.progressEveryMs ?? 15_000,
  });
  registerReadTools(server, deps);
  return server;
}
