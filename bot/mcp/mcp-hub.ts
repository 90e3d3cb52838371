import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ToolDescription } from '../../graphs/tool-catalog.ts';
import type { Logger } from '../logging/index.ts';
import type { McpServerConfig } from './mcp-config.ts';

export type ToolCallResult =
  | { ok: true; text: string; structured?: unknown }
  /** `tool`: the tool ran and reported failure (`isError`); the others: it may not have run at all. */
  | { ok: false; kind: 'tool' | 'timeout' | 'unavailable' | 'protocol'; error: string };

const CONNECT_TIMEOUT_MS = 60_000;

interface Connection {
  config: McpServerConfig;
  client?: Client;
  tools: { name: string; description?: string; inputSchema: Record<string, unknown>; readOnlyHint?: boolean; destructiveHint?: boolean }[];
  failures: number;
  timer?: NodeJS.Timeout;
  closing?: boolean;
}

export interface McpHubOptions {
  servers: readonly McpServerConfig[];
  logger: Logger;
  /** Per-call time-out unless the server's own `timeoutMs` says otherwise (default 60 s). */
  timeoutMs?: number;
  /** First reconnect delay, doubled per failure up to a minute (default 1 s). */
  reconnectMs?: number;
  /** Told when a server goes away or comes back, so the owner hears of it. */
  onStatus?: (server: string, status: 'down' | 'up', detail: string) => void;
}

/**
 * Steward's MCP client: one connection per configured server (stdio servers are started by Steward),
 * their tools listed at start and on every reconnect, and calls with a time-out. A tool is named
 * `server.tool`, or just `tool` when no other server has one of that name. A server that dies is
 * restarted with backoff and reported.
 */
export function createMcpHub(options: McpHubOptions) {
  const connections = options.servers.map((config): Connection => ({ config, tools: [], failures: 0 }));
  const baseDelay = options.reconnectMs ?? 1_000;
  let stopped = false;

  function transportFor(config: McpServerConfig): Transport {
    if ('command' in config) {
      return new StdioClientTransport({ command: config.command, args: config.args, env: { ...getDefaultEnvironment(), ...config.env }, ...(config.cwd ? { cwd: config.cwd } : {}), stderr: 'pipe' });
    }
    return new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers: config.headers } });
  }

  async function connect(connection: Connection): Promise<void> {
    const client = new Client({ name: 'steward', version: '0.1.0' });
    const transport = transportFor(connection.config);
    client.onclose = () => {
      if (connection.client !== client) return;
      connection.client = undefined;
      connection.tools = [];
      if (stopped || connection.closing) return;
      options.logger.warn({ server: connection.config.name }, 'MCP server connection closed; restarting');
      options.onStatus?.(connection.config.name, 'down', 'connection closed');
      schedule(connection);
    };
    // Starting a stdio server (a container, an npx download) may take longer than a call may.
    await client.connect(transport, { timeout: CONNECT_TIMEOUT_MS });
    const listed = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: CONNECT_TIMEOUT_MS });
      listed.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    connection.client = client;
    connection.tools = listed.map((tool) => ({
      name: tool.name,
      ...(tool.description ? { description: tool.description } : {}),
      inputSchema: tool.inputSchema,
      ...(tool.annotations?.readOnlyHint !== undefined ? { readOnlyHint: tool.annotations.readOnlyHint } : {}),
      ...(tool.annotations?.destructiveHint !== undefined ? { destructiveHint: tool.annotations.destructiveHint } : {}),
    }));
    if (connection.failures > 0) options.onStatus?.(connection.config.name, 'up', `${listed.length} tools`);
    connection.failures = 0;
    options.logger.info({ server: connection.config.name, tools: listed.map((tool) => tool.name) }, 'MCP server connected');
  }

  function schedule(connection: Connection): void {
    if (stopped) return;
    const delay = Math.min(60_000, baseDelay * 2 ** connection.failures);
    connection.failures += 1;
    clearTimeout(connection.timer);
    connection.timer = setTimeout(() => void attempt(connection), delay);
    connection.timer.unref();
  }

  async function attempt(connection: Connection): Promise<void> {
    try {
      await connect(connection);
    } catch (error) {
      options.logger.warn({ server: connection.config.name, err: error, attempt: connection.failures + 1 }, 'MCP server not reachable; retrying');
      if (connection.failures === 0) options.onStatus?.(connection.config.name, 'down', (error as Error).message);
      schedule(connection);
    }
  }

  /** Every tool under its public name: bare when unique, `server.tool` otherwise. */
  function catalog(): (ToolDescription & { server: string; tool: string })[] {
    const counts = new Map<string, number>();
    for (const connection of connections) for (const tool of connection.tools) counts.set(tool.name, (counts.get(tool.name) ?? 0) + 1);
    return connections.flatMap((connection) =>
      connection.tools.map((tool) => ({ ...tool, name: counts.get(tool.name)! > 1 ? `${connection.config.name}.${tool.name}` : tool.name, server: connection.config.name, tool: tool.name })),
    );
  }

  function resolve(name: string): { connection: Connection; tool: string } | undefined {
    const entry = catalog().find((candidate) => candidate.name === name || `${candidate.server}.${candidate.tool}` === name);
    if (!entry) return undefined;
    return { connection: connections.find((connection) => connection.config.name === entry.server)!, tool: entry.tool };
  }

  return {
    /** Connects every server; one that cannot be reached is retried in the background. */
    async start(): Promise<void> {
      await Promise.all(connections.map((connection) => attempt(connection)));
    },

    tools(): ToolDescription[] {
      return catalog().map(({ name, description, inputSchema, readOnlyHint, destructiveHint }) => ({
        name,
        ...(description ? { description } : {}),
        inputSchema,
        ...(readOnlyHint !== undefined ? { readOnlyHint } : {}),
        ...(destructiveHint !== undefined ? { destructiveHint } : {}),
      }));
    },

    async call(name: string, args: Record<string, unknown>): Promise<ToolCallResult> {
      const target = resolve(name);
      if (!target) return { ok: false, kind: 'unavailable', error: `no connected MCP server has the tool ${name}` };
      const client = target.connection.client;
      if (!client) return { ok: false, kind: 'unavailable', error: `MCP server ${target.connection.config.name} is not connected` };
      try {
        const result = await client.callTool({ name: target.tool, arguments: args }, undefined, { timeout: target.connection.config.timeoutMs ?? options.timeoutMs ?? 60_000 });
        const text = ((result.content ?? []) as { type: string; text?: string }[])
          .map((part) => (part.type === 'text' ? (part.text ?? '') : `[${part.type}]`))
          .join('\n');
        if (result.isError) return { ok: false, kind: 'tool', error: text || 'the tool reported an error' };
        return { ok: true, text, ...(result.structuredContent !== undefined ? { structured: result.structuredContent } : {}) };
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code === -32001) return { ok: false, kind: 'timeout', error: `${name} did not answer in time` };
        if (code === -32000 || !target.connection.client) return { ok: false, kind: 'unavailable', error: `the MCP server went away during ${name}` };
        return { ok: false, kind: 'protocol', error: (error as Error).message };
      }
    },

    async stop(): Promise<void> {
      stopped = true;
      await Promise.all(
        connections.map(async (connection) => {
          clearTimeout(connection.timer);
          connection.closing = true;
          await connection.client?.close().catch(() => undefined);
        }),
      );
    },
  };
}

export type McpHub = ReturnType<typeof createMcpHub>;
