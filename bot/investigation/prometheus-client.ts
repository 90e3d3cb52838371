import { rangeAnswerSchema, type Series } from './prometheus-schema.ts';

export interface PrometheusOptions {
  /** PROMETHEUS_URL, e.g. http://prometheus:9090 (a path prefix is kept). */
  baseUrl: string;
  /** PROMETHEUS_BEARER_TOKEN, or PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD. */
  bearerToken?: string;
  basic?: { username: string; password: string };
}

export type RangeResult = { ok: true; series: Series[] } | { ok: false; error: string };

/** Points per range query: a fixed count whatever the window, enough for a trend. */
const POINTS = 60;

/**
 * A small client for Prometheus's range queries (GET /api/v1/query_range). Read-only by nature: the
 * query API changes nothing. Each query carries its own deadline; an error is a result, not a throw.
 */
export function createPrometheusClient(options: PrometheusOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.bearerToken) headers.authorization = `Bearer ${options.bearerToken}`;
  else if (options.basic)
    headers.authorization = `Basic ${Buffer.from(`${options.basic.username}:${options.basic.password}`).toString('base64')}`;

  return {
    async queryRange(query: string, window: { end: Date; ms: number }, timeoutMs: number): Promise<RangeResult> {
      const end = window.end.getTime() / 1000;
      const start = end - window.ms / 1000;
      const step = Math.max(1, Math.round(window.ms / 1000 / POINTS));
      const url = `${base}/api/v1/query_range?${new URLSearchParams({ query, start: String(start), end: String(end), step: String(step) }).toString()}`;
      let response: Response;
      try {
        response = await fetch(url, { headers, signal: AbortSignal.timeout(Math.max(1, timeoutMs)) });
      } catch (error) {
        const name = (error as Error).name;
        return {
          ok: false,
          error:
            name === 'TimeoutError' || name === 'AbortError'
              ? 'Prometheus did not answer in time'
              : `Prometheus unreachable (${(error as Error).message})`,
        };
      }
      if (response.status === 401 || response.status === 403)
        return { ok: false, error: `Prometheus refused the credentials (HTTP ${response.status})` };
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        return { ok: false, error: `Prometheus answered HTTP ${response.status} without JSON` };
      }
      const parsed = rangeAnswerSchema.safeParse(body);
      if (!parsed.success)
        return { ok: false, error: `Prometheus answered HTTP ${response.status} in an unexpected shape` };
      if (parsed.data.status === 'error')
        return {
          ok: false,
          error: `Prometheus: ${parsed.data.errorType ?? 'error'}: ${parsed.data.error ?? ''}`.trim(),
        };
      return { ok: true, series: parsed.data.data.result };
    },
  };
}

export type PrometheusClient = ReturnType<typeof createPrometheusClient>;
