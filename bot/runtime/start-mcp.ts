import type { StructuredConfig } from '../config/index.ts';
import { mcpServerStatus } from '../../graphs/operator-messages.ts';
import type { Logger } from '../logging/index.ts';
import type { Metrics } from '../metrics/create-metrics.ts';
import { registerMcpGauges } from '../metrics/mcp-gauges.ts';
import { readMcpConfig } from '../mcp/mcp-config.ts';
import { createMcpHub, type McpHub } from '../mcp/mcp-hub.ts';
import type { Shutdown } from './shutdown.ts';
import type { Chat } from './start-chat.ts';

export interface McpDeps {
  structured: StructuredConfig;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  chat: Chat;
  shutdown: Shutdown;
  /** Tool calls, and each server's health at scrape time. */
  metrics?: Metrics;
}

/**
 * The MCP servers of STEWARD_CONFIG, shared by the incident flow (fixes), the Renovate follow-up
 * (rollout state) and scheduled queries (read-only facts). A server going away or coming back is told
 * in chat; /metrics has each server's health and every tool call.
 */
export async function startMcp(deps: McpDeps): Promise<McpHub> {
  const { chat, logger, metrics } = deps;
  const mcp = createMcpHub({
    ...(metrics
      ? {
          onCall: (call: { server: string; tool: string; outcome: string; seconds: number }) => {
            metrics.mcpToolCalls.inc({ server: call.server, tool: call.tool, outcome: call.outcome });
            metrics.mcpToolDuration.observe({ server: call.server }, call.seconds);
          },
        }
      : {}),
    servers: readMcpConfig(deps.structured.mcp, deps.env),
    logger: logger.child({ component: 'mcp' }),
    onStatus: (server, status, detail) =>
      void chat.outbox
        .enqueue({
          channels: chat.channels,
          message: mcpServerStatus(server, status, detail),
        })
        .then(() => chat.wake())
        .catch((error: unknown) => logger.warn({ err: error }, 'could not queue the MCP status notice')),
  });
  if (metrics) registerMcpGauges(metrics, () => mcp.servers());
  await mcp.start();
  deps.shutdown.add('mcp', () => mcp.stop());
  return mcp;
}
