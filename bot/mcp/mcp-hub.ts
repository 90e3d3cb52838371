import { backoffDelay } from '../../graphs/backoff.ts';
import { once } from 'node:events';
import type { Stream } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ToolDescription } from '../../graphs/tool-catalog.ts';
import type { McpStatusDetail } from '../../graphs/operator-messages.ts';
import type { Logger } from '../logging/index.ts';
import type { McpServerConfig } from './mcp-config.ts';
import { createStderrTail } from './stderr-tail.ts';

export type ToolCallResult =
  | { ok: true; text: string; structured?: unknown }
  /** `tool`: the tool ran and reported failure (`isError`); the others: it may not have run at all. */
  | { ok: false; kind: 'tool' | 'timeout' | 'unavailable' | 'protocol'; error: string };

/** How a call ended, for metrics: `ok`, or the failure's kind. */
export type ToolCallOutcome = 'ok' | Extract<ToolCallResult, { ok: false }>['kind'];

/** One configured server as `status` and /metrics show it. */
export interface McpServerStatus {
  name: string;
  transport: 'stdio' | 'http';
  /** `connecting` until the first attempt ends; `down` while it is retried with backoff. */
  state: 'connecting' | 'up' | 'down';
  tools: number;
  /** When it entered this state. */
  since: Date;
  /** Why it is down. */
  lastError?: string;
  /** Times a connection that was up went away. */
  disconnects: number;
}

const CONNECT_TIMEOUT_MS = 60_000;
/** How much of a stdio server's standard error is kept for the log. */
const STDERR_LIMIT = 4_096;
/** How long to wait for the rest of a dead server's standard error before logging it. */
const STDERR_GRACE_MS = 1_000;

interface Connection {
  config: McpServerConfig;
  client?: Client;
  tools: {
    name: string;
    description?: string;
    inputSchema: Record<string, unknown>;
    readOnlyHint?: boolean;
    destructiveHint?: boolean;
  }[];
  failures: number;
  timer?: NodeJS.Timeout;
  closing?: boolean;
  state: McpServerStatus['state'];
  since: Date;
  lastError?: string;
  disconnects: number;
  stderr: ReturnType<typeof createStderrTail>;
  /** The current process's standard error, until it ends. */
  stderrStream?: Stream;
}

export interface McpHubOptions {
  servers: readonly McpServerConfig[];
  logger: Logger;
  /** Per-call time-out unless the server's own `timeoutMs` says otherwise (default 60 s). */
  timeoutMs?: number;
  /** First reconnect delay, doubled per failure up to a minute (default 1 s). */
  reconnectMs?: number;
  /** Told when a server goes away or comes back, so the owner hears of it. */
  onStatus?: (server: string, status: 'down' | 'up', detail: McpStatusDetail) => void;
  /** Told of every tool call that reached a server (metrics). */
  onCall?: (call: { server: string; tool: string; outcome: ToolCallOutcome; seconds: number }) => void;
}

/** Resolves once `stream` has ended, or after `ms`. */
async function endOf(stream: Stream | undefined, ms: number): Promise<void> {
  if (!stream || (stream as { readableEnded?: boolean }).readableEnded) return;
  await Promise.race([
    once(stream, 'end').catch(() => undefined),
    new Promise((resolve) => setTimeout(resolve, ms).unref()),
  ]);
}

/**
 * Steward's MCP client: one connection per configured server (stdio servers are started by Steward),
 * their tools listed at start and on every reconnect, and calls with a time-out. A tool is named
 * `server.tool`, or just `tool` when no other server has one of that name. A server that dies is
 * restarted with backoff and reported; what a stdio server wrote to standard error is logged with
 * the failure (its last 4 KiB, masked), and each line at debug level.
 */
export function createMcpHub(options: McpHubOptions) {
  const connections = options.servers.map((config): Connection => ({
    config,
    tools: [],
    failures: 0,
    state: 'connecting',
    since: new Date(),
    disconnects: 0,
    stderr: createStderrTail({
      limit: STDERR_LIMIT,
      secrets: Object.values('command' in config ? config.env : config.headers),
    }),
  }));
  const baseDelay = options.reconnectMs ?? 1_000;
  let stopped = false;

  function enter(connection: Connection, state: McpServerStatus['state'], lastError?: string): void {
    if (connection.state !== state) connection.since = new Date();
    connection.state = state;
    connection.lastError = lastError;
  }

  function transportFor(connection: Connection): Transport {
    const { config } = connection;
    if ('command' in config) {
      const transport = new StdioClientTransport({
        command: config.command,
        args: config.args,
        env: { ...getDefaultEnvironment(), ...config.env },
        ...(config.cwd ? { cwd: config.cwd } : {}),
        stderr: 'pipe',
      });
      // Read it, or a chatty server blocks once the pipe is full; keep the end of it for the log.
      connection.stderr.reset();
      const stream = transport.stderr ?? undefined;
      connection.stderrStream = stream;
      stream?.on('data', (chunk: Buffer) => {
        for (const line of connection.stderr.append(chunk.toString()))
          options.logger.debug({ server: config.name, line }, 'MCP server stderr');
      });
      return transport;
    }
    return new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers: config.headers } });
  }

  /** The failure as logged: with the server's standard error once it has all arrived. */
  async function logFailure(connection: Connection, message: string, details: Record<string, unknown>): Promise<void> {
    await endOf(connection.stderrStream, STDERR_GRACE_MS);
    const stderr = connection.stderr.text();
    options.logger.warn({ server: connection.config.name, ...details, ...(stderr ? { stderr } : {}) }, message);
  }

  async function connect(connection: Connection): Promise<void> {
    const client = new Client({ name: 'steward', version: '0.1.0' });
    const transport = transportFor(connection);
    client.onclose = () => {
      if (connection.client !== client) return;
      connection.client = undefined;
      connection.tools = [];
      if (stopped || connection.closing) return;
      connection.disconnects += 1;
      enter(connection, 'down', 'connection closed');
      void logFailure(connection, 'MCP server connection closed; restarting', {});
      options.onStatus?.(connection.config.name, 'down', { closed: true });
      schedule(connection);
    };
    try {
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
        ...(tool.annotations?.destructiveHint !== undefined
          ? { destructiveHint: tool.annotations.destructiveHint }
          : {}),
      }));
      enter(connection, 'up');
      if (connection.failures > 0) options.onStatus?.(connection.config.name, 'up', { tools: listed.length });
      connection.failures = 0;
      options.logger.info(
        { server: connection.config.name, tools: listed.map((tool) => tool.name) },
        'MCP server connected',
      );
    } catch (error) {
      // A server that hung during the handshake must not live on beside the next attempt.
      await client.close().catch(() => undefined);
      throw error;
    }
  }

  function schedule(connection: Connection): void {
    if (stopped) return;
    const delay = backoffDelay(connection.failures, { baseMs: baseDelay, maxMs: 60_000 });
    connection.failures += 1;
    clearTimeout(connection.timer);
    connection.timer = setTimeout(() => void attempt(connection), delay);
    connection.timer.unref();
  }

  async function attempt(connection: Connection): Promise<void> {
    try {
      await connect(connection);
    } catch (error) {
      const first = connection.failures === 0;
      enter(connection, 'down', (error as Error).message);
      await logFailure(connection, 'MCP server not reachable; retrying', {
        err: error,
        attempt: connection.failures + 1,
      });
      if (first) options.onStatus?.(connection.config.name, 'down', { error: (error as Error).message });
      schedule(connection);
    }
  }

  /** Every tool under its public name: bare when unique, `server.tool` otherwise. */
  function catalog(): (ToolDescription & { server: string; tool: string })[] {
    const counts = new Map<string, number>();
    for (const connection of connections)
      for (const tool of connection.tools) counts.set(tool.name, (counts.get(tool.name) ?? 0) + 1);
    return connections.flatMap((connection) =>
      connection.tools.map((tool) => ({
        ...tool,
        name: counts.get(tool.name)! > 1 ? `${connection.config.name}.${tool.name}` : tool.name,
        server: connection.config.name,
        tool: tool.name,
      })),
    );
  }

  function resolve(name: string): { connection: Connection; tool: string } | undefined {
    const entry = catalog().find(
      (candidate) => candidate.name === name || `${candidate.server}.${candidate.tool}` === name,
    );
    if (!entry) return undefined;
    return { connection: connections.find((connection) => connection.config.name === entry.server)!, tool: entry.tool };
  }

  async function callOn(
    target: { connection: Connection; tool: string },
    name: string,
    args: Record<string, unknown>,
  ): Promise<ToolCallResult> {
    const client = target.connection.client;
    if (!client)
      return { ok: false, kind: 'unavailable', error: `MCP server ${target.connection.config.name} is not connected` };
    try {
      const result = await client.callTool({ name: target.tool, arguments: args }, undefined, {
        timeout: target.connection.config.timeoutMs ?? options.timeoutMs ?? 60_000,
      });
      const text = ((result.content ?? []) as { type: string; text?: string }[])
        .map((part) => (part.type === 'text' ? (part.text ?? '') : `[${part.type}]`))
        .join('\n');
      if (result.isError) return { ok: false, kind: 'tool', error: text || 'the tool reported an error' };
      return {
        ok: true,
        text,
        ...(result.structuredContent !== undefined ? { structured: result.structuredContent } : {}),
      };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === -32001) return { ok: false, kind: 'timeout', error: `${name} did not answer in time` };
      if (code === -32000 || !target.connection.client)
        return { ok: false, kind: 'unavailable', error: `the MCP server went away during ${name}` };
      return { ok: false, kind: 'protocol', error: (error as Error).message };
    }
  }

  return {
    /** Connects every server; one that cannot be reached is retried in the background. */
    async start(): Promise<void> {
      await Promise.all(connections.map((connection) => attempt(connection)));
    },

    tools(): ToolDescription[] {
      return catalog().map(({ name, server, tool, description, inputSchema, readOnlyHint, destructiveHint }) => ({
        name,
        qualifiedName: `${server}.${tool}`,
        ...(description ? { description } : {}),
        inputSchema,
        ...(readOnlyHint !== undefined ? { readOnlyHint } : {}),
        ...(destructiveHint !== undefined ? { destructiveHint } : {}),
      }));
    },

    /** Each configured server's state, in configuration order. */
    servers(): McpServerStatus[] {
      return connections.map((connection) => ({
        name: connection.config.name,
        transport: 'command' in connection.config ? 'stdio' : 'http',
        state: connection.state,
        tools: connection.tools.length,
        since: connection.since,
        ...(connection.lastError ? { lastError: connection.lastError } : {}),
        disconnects: connection.disconnects,
      }));
    },

    async call(name: string, args: Record<string, unknown>): Promise<ToolCallResult> {
      const target = resolve(name);
      if (!target) return { ok: false, kind: 'unavailable', error: `no connected MCP server has the tool ${name}` };
      const started = performance.now();
      const result = await callOn(target, name, args);
      options.onCall?.({
        server: target.connection.config.name,
        tool: target.tool,
        outcome: result.ok ? 'ok' : result.kind,
        seconds: (performance.now() - started) / 1000,
      });
      return result;
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
