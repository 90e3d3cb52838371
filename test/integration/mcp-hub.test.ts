import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readMcpConfig } from '../../bot/mcp/mcp-config.ts';
import { createOptionFilter } from '../../bot/llm/admissible-options.ts';
import { createMcpHub, type McpHub } from '../../bot/mcp/mcp-hub.ts';
import { silentLogger } from '../helpers/silent-logger.ts';
import { until } from '../helpers/until.ts';
import { mcpTestServer } from '../helpers/mcp-test-server-config.ts';
import { readMcpCalls } from '../helpers/mcp-calls.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'steward-mcp-'));
let hub: McpHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

function stdio(name: string, log: string) {
  return {
    name,
    command: process.execPath,
    args: ['--import', 'tsx', mcpTestServer],
    env: { MCP_CALL_LOG: log, MCP_SERVER_NAME: name },
  };
}
const calls = readMcpCalls;

describe('the MCP client against a real stdio MCP server', () => {
  it('lists the tools and makes the call the server receives, with a time-out and isError as failure', async () => {
    const log = path.join(dir, 'calls-1.jsonl');
    hub = createMcpHub({ servers: [stdio('k8s', log)], logger: silentLogger(), timeoutMs: 1_000 });
    await hub.start();
    expect(
      hub
        .tools()
        .map((tool) => tool.name)
        .sort(),
    ).toEqual([
      'crash',
      'failing_tool',
      'get_application',
      'list_pods',
      'purge_namespace',
      'restart_pod',
      'scale_deployment',
      'slow_tool',
    ]);
    // The server's word that a tool destroys things is kept: policy redlines it unless allowed.
    expect(
      hub
        .tools()
        .filter((tool) => tool.destructiveHint === true)
        .map((tool) => tool.name),
    ).toEqual(['purge_namespace']);
    // A runbook may name a unique tool as `server.tool`: the option filter takes that form as the hub does.
    const filter = createOptionFilter(hub.tools(), { redlines: [] });
    expect(
      filter.problemWith({ tool: 'k8s.restart_pod', arguments: { name: 'radarr-0', namespace: 'media' } }),
    ).toBeUndefined();
    expect(filter.problemWith({ tool: 'nas.restart_pod', arguments: { name: 'radarr-0', namespace: 'media' } })).toBe(
      'no such tool',
    );
    // MCP annotations come through: a server's read-only mark is what lets scheduled queries use a tool.
    expect(
      hub
        .tools()
        .filter((tool) => tool.readOnlyHint === true)
        .map((tool) => tool.name),
    ).toEqual(['list_pods']);
    expect(hub.tools().find((tool) => tool.name === 'restart_pod')!.inputSchema).toMatchObject({
      type: 'object',
      required: ['name', 'namespace'],
    });

    expect(await hub.call('restart_pod', { name: 'radarr-0', namespace: 'media' })).toEqual({
      ok: true,
      text: 'pod "radarr-0" deleted in namespace "media"',
    });
    expect(await hub.call('k8s.restart_pod', { name: 'sonarr-0', namespace: 'media' })).toMatchObject({ ok: true });
    expect(calls(log).map((call) => call.arguments)).toEqual([
      { name: 'radarr-0', namespace: 'media' },
      { name: 'sonarr-0', namespace: 'media' },
    ]);

    expect(await hub.call('failing_tool', { reason: 'pods "radarr-0" is forbidden' })).toEqual({
      ok: false,
      kind: 'tool',
      error: 'Error from server (Forbidden): pods "radarr-0" is forbidden',
    });
    expect(await hub.call('slow_tool', { ms: 3_000 })).toEqual({
      ok: false,
      kind: 'timeout',
      error: 'slow_tool did not answer in time',
    });
    expect(await hub.call('delete_volume', {})).toEqual({
      ok: false,
      kind: 'unavailable',
      error: 'no connected MCP server has the tool delete_volume',
    });
  });

  it('names a tool by its server when two servers have it', async () => {
    hub = createMcpHub({
      servers: [stdio('k8s', path.join(dir, 'calls-2a.jsonl')), stdio('lab', path.join(dir, 'calls-2b.jsonl'))],
      logger: silentLogger(),
    });
    await hub.start();
    const names = hub.tools().map((tool) => tool.name);
    expect(names).toContain('k8s.restart_pod');
    expect(names).toContain('lab.restart_pod');
    expect(names).not.toContain('restart_pod');
    await hub.call('lab.restart_pod', { name: 'x', namespace: 'y' });
    expect(calls(path.join(dir, 'calls-2b.jsonl'))).toHaveLength(1);
    expect(calls(path.join(dir, 'calls-2a.jsonl'))).toHaveLength(0);
  });

  it('restarts a server that died, reports it, and lists its tools again', async () => {
    const log = path.join(dir, 'calls-3.jsonl');
    const status: string[] = [];
    hub = createMcpHub({
      servers: [stdio('k8s', log)],
      logger: silentLogger(),
      reconnectMs: 50,
      onStatus: (name, state) => status.push(`${name} ${state}`),
    });
    await hub.start();
    expect(await hub.call('crash', {})).toMatchObject({ ok: false, kind: 'unavailable' });
    await until('the server restarted', () => hub!.tools().length === 8, 15_000);
    expect(status).toEqual(['k8s down', 'k8s up']);
    expect(await hub.call('restart_pod', { name: 'radarr-0', namespace: 'media' })).toMatchObject({ ok: true });
    const [crashed, restarted] = [calls(log)[0]!.pid, calls(log)[1]!.pid];
    expect(restarted).not.toBe(crashed);
  });
});

describe('MCP configuration', () => {
  it('reads stdio and HTTP servers, taking ${VAR} from the environment', () => {
    expect(
      readMcpConfig(
        {
          servers: [
            { name: 'k8s', command: 'mcp-k8s', env: { KUBECONFIG: '${KUBECONFIG}' } },
            { name: 'ha', url: 'http://ha.home.arpa:8123/mcp', headers: { authorization: 'Bearer ${HA_TOKEN}' } },
          ],
        },
        { KUBECONFIG: '/etc/kube', HA_TOKEN: 'abc' },
      ),
    ).toEqual([
      { name: 'k8s', command: 'mcp-k8s', args: [], env: { KUBECONFIG: '/etc/kube' } },
      { name: 'ha', url: 'http://ha.home.arpa:8123/mcp', headers: { authorization: 'Bearer abc' } },
    ]);
  });

  it('names what is wrong', () => {
    expect(() => readMcpConfig({ servers: [{ name: 'k8s' }] }, {})).toThrow(/mcp\.servers\.0/);
    expect(() =>
      readMcpConfig(
        {
          servers: [
            { name: 'a', command: 'x' },
            { name: 'a', command: 'y' },
          ],
        },
        {},
      ),
    ).toThrow(/"a" is used twice/);
    expect(() =>
      readMcpConfig(
        { servers: [{ name: 'ha', url: 'http://ha/mcp', headers: { authorization: 'Bearer ${HA_TOKEN}' } }] },
        {},
      ),
    ).toThrow(/\$\{HA_TOKEN\}, which is not set/);
  });
});
