import type { FastifyInstance } from 'fastify';
import { checkAuthorization } from '../../../webhooks/authorization.ts';
import { StewardError } from '../../errors.ts';
import type { McpSessions } from '../../mcp-server/mcp-sessions.ts';
import type { RefusedRequests } from '../refused-requests.ts';

export interface McpServerRouteDeps {
  /** MCP_SERVER_TOKEN: without it the route is not registered at all. */
  token: string;
  sessions: McpSessions;
  refusals: RefusedRequests;
}

/**
 * `/mcp`: Steward as an MCP server over Streamable HTTP (POST, GET, DELETE). The bearer token is
 * checked in constant time before the body is looked at (401, nothing stored, counted like every
 * refused request); the SDK's transport then owns the response, which may be a long SSE stream.
 */
export function registerMcpServerRoute(app: FastifyInstance, deps: McpServerRouteDeps): void {
  app.route({
    method: ['GET', 'POST', 'DELETE'],
    url: '/mcp',
    onRequest: (request, _reply, done) => {
      const outcome = checkAuthorization(request.headers.authorization, { bearer: deps.token });
      if (outcome === 'ok') return done();
      deps.refusals.refuse(request, outcome === 'missing' ? 'missing_credentials' : 'invalid_credentials', {
        route: 'mcp',
      });
      done(new StewardError('unauthorized', outcome === 'missing' ? 'missing credentials' : 'invalid credentials'));
    },
    handler: async (request, reply) => {
      reply.hijack();
      try {
        await deps.sessions.handle(request.raw, reply.raw, request.body);
      } catch (error) {
        // The transport owns the response now: the error handler cannot answer for it.
        request.log.error({ err: error }, 'MCP request failed');
        if (!reply.raw.headersSent)
          reply.raw
            .writeHead(500, { 'content-type': 'application/json' })
            .end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'internal error' }, id: null }));
        else reply.raw.end();
      }
    },
  });
  // Before the server stops listening: waiting calls answer what they have and SSE streams end.
  app.addHook('preClose', async () => {
    await deps.sessions.close();
  });
}
