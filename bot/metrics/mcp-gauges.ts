import { Counter, Gauge } from 'prom-client';
import type { McpServerStatus } from '../mcp/mcp-hub.ts';
import type { Metrics } from './create-metrics.ts';

/** MCP server health, read from the hub at scrape time: up or not, tools listed, connections lost. */
export function registerMcpGauges(metrics: Metrics, servers: () => readonly McpServerStatus[]): void {
  new Gauge({
    name: 'steward_mcp_server_up',
    help: '1 when an MCP server is connected and its tools are listed, else 0',
    labelNames: ['server', 'transport'],
    registers: [metrics.registry],
    collect() {
      this.reset();
      for (const server of servers())
        this.set({ server: server.name, transport: server.transport }, server.state === 'up' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'steward_mcp_server_tools',
    help: 'Tools an MCP server lists (0 while it is down)',
    labelNames: ['server'],
    registers: [metrics.registry],
    collect() {
      this.reset();
      for (const server of servers()) this.set({ server: server.name }, server.tools);
    },
  });
  new Counter({
    name: 'steward_mcp_server_disconnects_total',
    help: 'Times a connected MCP server went away (it is restarted with backoff)',
    labelNames: ['server'],
    registers: [metrics.registry],
    collect() {
      this.reset();
      for (const server of servers()) this.inc({ server: server.name }, server.disconnects);
    },
  });
}
