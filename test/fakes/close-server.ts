import type http from 'node:http';
import type { WebSocketServer } from 'ws';

/** Stops a fake: every socket cut, every HTTP connection closed, the port released. */
export async function closeFakeServer(server: http.Server, wss?: WebSocketServer): Promise<void> {
  for (const ws of wss?.clients ?? []) ws.terminate();
  wss?.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
