import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { statusReport } from '../../bot/chat/status-report.ts';
import { createLogger, createSecretRedactor } from '../../bot/logging/index.ts';
import { createMcpHub, type McpHub } from '../../bot/mcp/mcp-hub.ts';
import { createMetrics } from '../../bot/metrics/create-metrics.ts';
import { registerMcpGauges } from '../../bot/metrics/mcp-gauges.ts';
import { captureLogs } from '../helpers/capture-logs.ts';
import { useMigratedDatabase } from '../helpers/databases.ts';
import { mcpTestServer } from '../helpers/mcp-test-server-config.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'steward-mcp-vis-'));
const TOKEN = 'k8s-token-7f3a9c2e5b1d4680';
const GITHUB_PAT = `ghp_${'A1b2C3d4E5'.repeat(4)}`;
let hub: McpHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

/** A stdio "server" that complains on stderr the way a misconfigured one does, then exits. */
function brokenServer(name: string, script: string) {
  return { name, command: process.execPath, args: ['-e', script], env: { K8S_TOKEN: TOKEN } };
}
const good = {
  name: 'k8s',
  command: process.execPath,
  args: ['--import', 'tsx', mcpTestServer],
  env: { MCP_CALL_LOG: path.join(dir, 'calls.jsonl'), MCP_SERVER_NAME: 'k8s' },
};

describe('operator visibility of MCP servers', () => {
  const database = useMigratedDatabase();

  it('logs what a server that fails to start wrote to stderr, masked, line by line and with the failure; status and /metrics show it down beside a good one', async () => {
    const logs = captureLogs();
    const metrics = createMetrics();
    const calls: string[] = [];
    const script = `process.stderr.write('Error: cannot load kubeconfig /etc/k8s/config: token ' + process.env.K8S_TOKEN + ' rejected\\n'); process.stderr.write('hint: GITHUB_TOKEN=${GITHUB_PAT}\\n'); process.exit(3)`;
    hub = createMcpHub({
      servers: [good, brokenServer('nas', script)],
      // Debug: each stderr line is logged as it comes, too. No secret is known to the log's redactor,
      // so whatever is masked here was masked by the hub.
      logger: createLogger({ level: 'debug', redactor: createSecretRedactor(), destination: logs.stream }),
      reconnectMs: 60_000,
      onCall: (call) => {
        calls.push(`${call.server}.${call.tool} ${call.outcome}`);
        metrics.mcpToolCalls.inc({ server: call.server, tool: call.tool, outcome: call.outcome });
      },
    });
    registerMcpGauges(metrics, () => hub!.servers());
    await hub.start();

    // Before: only "MCP error -32000: Connection closed". Now the server's own words come with it.
    const failure = logs
      .entries()
      .find((entry) => entry.msg === 'MCP server not reachable; retrying' && entry.server === 'nas');
    expect(failure).toMatchObject({ level: 40, err: { message: expect.stringContaining('Connection closed') } });
    expect(failure!.stderr).toContain('Error: cannot load kubeconfig /etc/k8s/config: token [REDACTED] rejected');
    expect(failure!.stderr).toContain('hint: GITHUB_TOKEN=[REDACTED]');
    const lines = logs
      .entries()
      .filter((entry) => entry.msg === 'MCP server stderr' && entry.server === 'nas')
      .map((entry) => entry.line);
    expect(lines).toEqual(
      expect.arrayContaining([
        'Error: cannot load kubeconfig /etc/k8s/config: token [REDACTED] rejected',
        'hint: GITHUB_TOKEN=[REDACTED]',
      ]),
    );
    expect(logs.text()).not.toContain(TOKEN);
    expect(logs.text()).not.toContain(GITHUB_PAT);

    expect(hub.servers()).toEqual([
      expect.objectContaining({ name: 'k8s', transport: 'stdio', state: 'up', tools: 8, disconnects: 0 }),
      expect.objectContaining({
        name: 'nas',
        transport: 'stdio',
        state: 'down',
        tools: 0,
        lastError: expect.stringContaining('Connection closed'),
      }),
    ]);
    const status = await statusReport(database.pool, { mcp: hub.servers() });
    expect(status.body).toContain(
      'MCP servers (2):\n• k8s: up, 8 tools\n• nas: down for 0m, retrying (MCP error -32000: Connection closed)',
    );

    expect(await hub.call('restart_pod', { name: 'radarr-0', namespace: 'media' })).toMatchObject({ ok: true });
    expect(await hub.call('failing_tool', { reason: 'forbidden' })).toMatchObject({ ok: false, kind: 'tool' });
    expect(calls).toEqual(['k8s.restart_pod ok', 'k8s.failing_tool tool']);
    const scraped = await metrics.registry.metrics();
    expect(scraped).toContain('steward_mcp_server_up{server="k8s",transport="stdio"} 1');
    expect(scraped).toContain('steward_mcp_server_up{server="nas",transport="stdio"} 0');
    expect(scraped).toContain('steward_mcp_server_tools{server="k8s"} 8');
    expect(scraped).toContain('steward_mcp_tool_calls_total{server="k8s",tool="restart_pod",outcome="ok"} 1');
    expect(scraped).toContain('steward_mcp_tool_calls_total{server="k8s",tool="failing_tool",outcome="tool"} 1');
    expect(scraped).toMatch(/^steward_build_info\{version="\d+\.\d+\.\d+",node_version="v\d+\.\d+\.\d+"\} 1$/m);
  });

  it('keeps only the end of a server’s stderr, however much it wrote', async () => {
    const logs = captureLogs();
    const script = `for (let i = 0; i < 2000; i++) process.stderr.write('noise line ' + i + ' ' + 'x'.repeat(80) + '\\n'); process.stderr.write('fatal: the last words\\n', () => process.exit(1))`;
    hub = createMcpHub({
      servers: [brokenServer('chatty', script)],
      logger: createLogger({ level: 'info', redactor: createSecretRedactor(), destination: logs.stream }),
      reconnectMs: 60_000,
    });
    await hub.start();
    const failure = logs.entries().find((entry) => entry.msg === 'MCP server not reachable; retrying');
    const stderr = failure!.stderr as string;
    expect(stderr.length).toBeLessThanOrEqual(4_096);
    expect(stderr).toMatch(/fatal: the last words$/);
    expect(stderr).not.toContain('noise line 0 ');
  });

  it('says so in status when no MCP server is configured', async () => {
    expect((await statusReport(database.pool, { mcp: [] })).body).toContain('MCP servers: none configured');
  });
});
