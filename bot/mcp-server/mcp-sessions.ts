import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../logging/index.ts';

export interface McpSessionsOptions {
  /** A fresh server for each session, with its tools; `closing` ends waiting calls at shutdown. */
  createServer: (closing: AbortSignal) => McpServer;
  logger: Logger;
  /** Sessions held at once (each is an SDK server and transport in memory). */
  maxSessions?: number;
  /** A session nobody used for this long is closed (the client starts a new one on 404). */
  idleMs?: number;
}

/** How long shutdown waits for tool calls to answer before it closes their sessions regardless. */
const CLOSE_GRACE_MS = 5_000;

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  lastUsed: number;
  /** Requests in flight: a session waiting on an approval is not idle. */
  active: number;
}

/**
 * MCP Streamable HTTP sessions (the SDK's transport, stateful): an initialize request opens one, and
 * its `Mcp-Session-Id` leads the client's later requests to the same server, which knows the client's
 * name. Sessions live in this process: behind a load balancer, keep a session on one replica (by the
 * `Mcp-Session-Id` header); approvals themselves are in the database and any replica answers them.
 */
export function createMcpSessions(options: McpSessionsOptions) {
  const sessions = new Map<string, Session>();
  /** Responses to POSTs not yet over: tool calls, among them approvals being waited for. */
  const posts = new Set<Promise<void>>();
  const closing = new AbortController();
  const maxSessions = options.maxSessions ?? 100;
  const idleMs = options.idleMs ?? 3_600_000;

  function jsonRpcError(res: ServerResponse, status: number, message: string): void {
    res
      .writeHead(status, { 'content-type': 'application/json' })
      .end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
  }

  async function closeSession(id: string): Promise<void> {
    const session = sessions.get(id);
    sessions.delete(id);
    await session?.server
      .close()
      .catch((error: unknown) => options.logger.debug({ err: error }, 'MCP session close failed'));
  }

  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const [id, session] of sessions)
        if (session.active === 0 && now - session.lastUsed > idleMs) void closeSession(id);
    },
    Math.min(idleMs, 60_000),
  );
  sweep.unref();

  async function open(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    if (sessions.size >= maxSessions) return jsonRpcError(res, 503, 'Too many MCP sessions; retry later');
    const server = options.createServer(closing.signal);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        const session = { transport, server, lastUsed: Date.now(), active: 0 };
        sessions.set(id, session);
        track(session, req, res);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
    // An initialize the transport refused opened no session: nothing may stay behind.
    if (!transport.sessionId || !sessions.has(transport.sessionId)) await server.close();
  }

  /** Counts the request as in flight until its response is over (an SSE stream may last long). */
  function track(session: Session, req: IncomingMessage, res: ServerResponse): void {
    session.active += 1;
    session.lastUsed = Date.now();
    const over = new Promise<void>((resolve) =>
      res.once('close', () => {
        session.active -= 1;
        session.lastUsed = Date.now();
        posts.delete(over);
        resolve();
      }),
    );
    // A POST's response ends with its answer; shutdown lets waiting calls give theirs first.
    if (req.method === 'POST') posts.add(over);
  }

  return {
    /** One HTTP request to `/mcp` (POST, GET for the notification stream, DELETE to end a session). */
    async handle(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
      const header = req.headers['mcp-session-id'];
      const id = typeof header === 'string' ? header : undefined;
      if (id === undefined) {
        if (req.method === 'POST' && isInitializeRequest(body)) return open(req, res, body);
        return jsonRpcError(res, 400, 'No Mcp-Session-Id: send an initialize request first');
      }
      const session = sessions.get(id);
      // 404 tells the client to start a new session (MCP Streamable HTTP, session management).
      if (!session) return jsonRpcError(res, 404, 'Unknown or expired MCP session');
      track(session, req, res);
      await session.transport.handleRequest(req, res, body);
    },

    size: () => sessions.size,

    /**
     * Ends waiting calls, lets them answer what they have (an approval still pending says so, and the
     * agent can ask get_approval later), then closes every session.
     */
    async close(): Promise<void> {
      clearInterval(sweep);
      closing.abort();
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
      await Promise.race([Promise.all([...posts]), bound]);
      clearTimeout(timer);
      await Promise.all([...sessions.keys()].map(closeSession));
    },
  };
}

export type McpSessions = ReturnType<typeof createMcpSessions>;
