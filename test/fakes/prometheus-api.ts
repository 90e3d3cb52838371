import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeFakeServer } from './close-server.ts';

/**
 * A loopback Prometheus HTTP API (https://prometheus.io/docs/prometheus/latest/querying/api/#range-queries):
 * GET /api/v1/query_range answers `{"status":"success","data":{"resultType":"matrix","result":[…]}}`
 * from a function of the query, or Prometheus's error envelope (`bad_data`, 400) when it returns a
 * string. Records every query and the Authorization header; `delayMs` makes it slow.
 */
export async function startPrometheusFake(options: {
  series: (query: string) => { metric: Record<string, string>; values: number[] }[] | string;
  authorization?: string;
  delayMs?: number;
}) {
  const received: { query: string; start: number; end: number; step: number; authorization: string | undefined }[] = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (url.pathname !== '/api/v1/query_range')
      return send(404, { status: 'error', errorType: 'not_found', error: 'not found' });
    if (options.authorization && request.headers.authorization !== options.authorization) {
      response.writeHead(401, { 'content-type': 'text/plain' });
      return response.end('Unauthorized\n');
    }
    const query = url.searchParams.get('query') ?? '';
    const start = Number(url.searchParams.get('start'));
    const end = Number(url.searchParams.get('end'));
    const step = Number(url.searchParams.get('step'));
    received.push({ query, start, end, step, authorization: request.headers.authorization });
    const answer = () => {
      const series = options.series(query);
      if (typeof series === 'string') return send(400, { status: 'error', errorType: 'bad_data', error: series });
      const result = series.map((one) => ({
        metric: one.metric,
        values: one.values.map((value, index) => [start + index * step, String(value)]),
      }));
      send(200, { status: 'success', data: { resultType: 'matrix', result } });
    };
    if (options.delayMs) setTimeout(answer, options.delayMs).unref();
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => closeFakeServer(server),
  };
}

export type PrometheusFake = Awaited<ReturnType<typeof startPrometheusFake>>;
