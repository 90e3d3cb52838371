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

/**
 * With $ALERTMANAGER_URL set, a restart really fixes the pod as far as monitoring can tell: its alerts
 * are posted back to that Alertmanager with `endsAt` now, as Prometheus does when a rule stops firing.
 */
async function resolveAlertsOf(pod: string): Promise<void> {
  const base = process.env.ALERTMANAGER_URL;
  if (!base) return;
  const alerts = (await (await fetch(`${base}/api/v2/alerts?filter=${encodeURIComponent(`pod="${pod}"`)}`)).json()) as { labels: Record<string, string>; annotations: Record<string, string>; startsAt: string }[];
  const endsAt = new Date().toISOString();
  const body = alerts.map((alert) => ({ labels: alert.labels, annotations: alert.annotations, startsAt: alert.startsAt, endsAt }));
  await fetch(`${base}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

server.registerTool(
  'restart_pod',
  { description: 'Delete a pod so that its controller recreates it', inputSchema: { name: z.string(), namespace: z.string() } },
  async ({ name, namespace }) => {
    log({ tool: 'restart_pod', arguments: { name, namespace }, pid: process.pid });
    await resolveAlertsOf(name);
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
