import { appendFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

/**
 * A real stdio MCP server for tests, built with the SDK's own server side. Every call is appended to
 * $MCP_CALL_LOG as one JSON line, so tests assert on what the server received. `crash` exits the
 * process, as a dead server would.
 */
const log = (entry: unknown) => {
  if (process.env.MCP_CALL_LOG) appendFileSync(process.env.MCP_CALL_LOG, `${JSON.stringify(entry)}\n`);
};
const server = new McpServer({ name: process.env.MCP_SERVER_NAME ?? 'k8s', version: '1.0.0' });

server.registerTool(
  'restart_pod',
  { description: 'Delete a pod so that its controller recreates it', inputSchema: { name: z.string(), namespace: z.string() } },
  ({ name, namespace }) => {
    log({ tool: 'restart_pod', arguments: { name, namespace }, pid: process.pid });
    return { content: [{ type: 'text', text: `pod "${name}" deleted in namespace "${namespace}"` }] };
  },
);
server.registerTool('scale_deployment', { description: 'Scale a deployment', inputSchema: { name: z.string(), namespace: z.string(), replicas: z.number().int().min(0) } }, (args) => {
  log({ tool: 'scale_deployment', arguments: args, pid: process.pid });
  return { content: [{ type: 'text', text: `deployment.apps/${args.name} scaled to ${args.replicas}` }] };
});
server.registerTool('failing_tool', { description: 'Always fails', inputSchema: { reason: z.string() } }, ({ reason }) => {
  log({ tool: 'failing_tool', arguments: { reason }, pid: process.pid });
  return { content: [{ type: 'text', text: `Error from server (Forbidden): ${reason}` }], isError: true };
});
server.registerTool('slow_tool', { description: 'Answers after a while', inputSchema: { ms: z.number() } }, async ({ ms }) => {
  log({ tool: 'slow_tool', arguments: { ms }, pid: process.pid });
  await new Promise((resolve) => setTimeout(resolve, ms));
  return { content: [{ type: 'text', text: 'done' }] };
});
server.registerTool('crash', { description: 'Kills the server', inputSchema: {} }, () => {
  log({ tool: 'crash', pid: process.pid });
  process.exit(1);
});

await server.connect(new StdioServerTransport());
process.stderr.write(`mcp test server ${process.pid} ready\n`);
