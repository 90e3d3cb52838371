import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { closeFakeServer } from './close-server.ts';

export interface FakeSendResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * A loopback signal-cli-rest-api speaking its wire format (../shared/specs/signal-cli-rest-api.md):
 * `GET /v1/about`, `POST /v2/send` (201 with `{timestamp}` or the newer array shape), and
 * `GET /v1/receive/{number}`: a JSON array in normal mode, a websocket in json-rpc mode whose frames
 * are dropped when no socket is connected (as the real daemon drops them).
 */
export async function startSignalFake(options: {
  mode: 'json-rpc' | 'normal';
  number: string;
  responseShape?: 'object' | 'array';
  port?: number;
}) {
  const sent: Record<string, unknown>[] = [];
  const sentAt: number[] = [];
  const sentTimestamps: string[] = [];
  const queued: unknown[] = [];
  const scripted: FakeSendResponse[] = [];
  const sockets = new Set<WebSocket>();
  let dropped = 0;
  let clock = 1_787_390_200_000;
  const wss = new WebSocketServer({ noServer: true });

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(body === undefined ? '' : JSON.stringify(body));
    };
    if (request.method === 'GET' && url.pathname === '/v1/about') {
      return reply(200, {
        versions: ['v1', 'v2'],
        build: 2,
        mode: options.mode,
        version: '0.100',
        capabilities: { 'v2/send': ['quotes', 'mentions'] },
      });
    }
    if (request.method === 'GET' && url.pathname === `/v1/receive/${encodeURIComponent(options.number)}`) {
      if (options.mode === 'json-rpc')
        return reply(400, {
          error:
            "websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header",
        });
      return reply(200, queued.splice(0));
    }
    if (request.method === 'POST' && url.pathname === '/v2/send') {
      let raw = '';
      request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      request.on('end', () => {
        const body = JSON.parse(raw) as Record<string, unknown>;
        if (
          body.number !== options.number ||
          !Array.isArray(body.recipients) ||
          body.recipients.length === 0 ||
          typeof body.message !== 'string'
        ) {
          return reply(400, { error: "Couldn't process request - invalid request" });
        }
        // base64_attachments: raw base64 or data:<mime>[;filename=<f>];base64,<data> (the spec's send table).
        const attachments = body.base64_attachments ?? [];
        const attachment = /^(?:data:[\w.+-]+\/[\w.+-]+(?:;filename=[^;,]+)?;base64,)?[A-Za-z0-9+/]+={0,2}$/;
        if (
          !Array.isArray(attachments) ||
          attachments.some((entry) => typeof entry !== 'string' || !attachment.test(entry))
        ) {
          return reply(400, { error: "Couldn't process request - invalid attachment" });
        }
        const next = scripted.shift();
        if (next) return reply(next.status, next.body, next.headers);
        sent.push(body);
        sentAt.push(Date.now());
        clock += 1_000;
        const timestamp = String(clock);
        sentTimestamps.push(timestamp);
        return reply(201, options.responseShape === 'array' ? [{ timestamp }] : { timestamp });
      });
      return;
    }
    reply(404, { error: 'not found' });
  });

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    if (options.mode !== 'json-rpc' || url.pathname !== `/v1/receive/${encodeURIComponent(options.number)}`) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
    });
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    sent,
    /** When each accepted send arrived (epoch ms), parallel to `sent`. */
    sentAt,
    /** The timestamp (message id) each accepted send got, parallel to `sent`: what a quote names. */
    sentTimestamps,
    dropped: () => dropped,
    connections: () => sockets.size,
    /** A message arriving for the account: pushed to sockets (json-rpc) or queued (normal). */
    deliver(frame: unknown) {
      if (options.mode === 'normal') {
        queued.push(frame);
        return;
      }
      if (sockets.size === 0) dropped += 1;
      for (const ws of sockets) ws.send(JSON.stringify(frame));
    },
    /** The next sends answer with these instead of accepting. */
    failNextSends(...responses: FakeSendResponse[]) {
      scripted.push(...responses);
    },
    /** Cut every receive socket, as a restart of the REST API would. */
    dropSockets() {
      for (const ws of sockets) ws.terminate();
    },
    close: () => closeFakeServer(server, wss),
  };
}

export type SignalFake = Awaited<ReturnType<typeof startSignalFake>>;
