import type WebSocket from 'ws';

/** A websocket text frame as JSON; undefined for binary frames and text that is not JSON. */
export function parseJsonFrame(data: WebSocket.RawData, isBinary = false): unknown {
  if (isBinary) return undefined;
  const text = Buffer.isBuffer(data)
    ? data.toString('utf8')
    : Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
