import type { FastifyRequest } from 'fastify';
import type { Metrics } from '../metrics/create-metrics.ts';

/**
 * Why a request was turned away before anything was stored. A fixed set, so that the metric's
 * labels stay few whatever the requester sends.
 */
export type RefusalReason =
  | 'missing_credentials'
  | 'invalid_credentials'
  | 'missing_signature'
  | 'invalid_signature'
  | 'expired_signature'
  | 'loopback_only'
  | 'body_too_deep'
  | 'body_too_many_elements'
  | 'body_too_many_keys';

/** What a caller may add to the log line; every value is cut to `FIELD_CHARS`. */
export type RefusalDetails = Readonly<Record<string, string | number | boolean | undefined>>;

export interface RefusedRequests {
  /**
   * Counts the refusal (`steward_refused_requests_total{route, reason}`) and logs it, at most
   * `linesPerWindow` lines per route and reason in each window; the next line logged says how many
   * were left out. Never stores anything: a refused requester's text does not reach the database.
   */
  refuse(request: FastifyRequest, reason: RefusalReason, details?: RefusalDetails): void;
}

export interface RefusedRequestsOptions {
  metrics: Pick<Metrics, 'refusedRequests'>;
  linesPerWindow?: number;
  windowMs?: number;
  now?: () => number;
}

const FIELD_CHARS = 120;
const MAX_DETAILS = 6;

interface Window {
  startedAt: number;
  logged: number;
  /** Refusals not logged since the last line for this route and reason. */
  left: number;
}

/**
 * One per app. A flood of forged requests costs a counter increment each and a handful of log lines a
 * minute, instead of a line (or a database row) per request with whatever text the requester chose.
 */
export function createRefusedRequests(options: RefusedRequestsOptions): RefusedRequests {
  const linesPerWindow = options.linesPerWindow ?? 10;
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  // Keyed by route pattern and reason: both come from fixed sets, so this map stays small.
  const windows = new Map<string, Window>();

  return {
    refuse(request, reason, details = {}) {
      const route = request.routeOptions.url ?? 'unmatched';
      options.metrics.refusedRequests.inc({ route, reason });

      const key = `${route} ${reason}`;
      const at = now();
      let window = windows.get(key);
      if (!window || at - window.startedAt >= windowMs) {
        window = { startedAt: at, logged: 0, left: window?.left ?? 0 };
        windows.set(key, window);
      }
      if (window.logged >= linesPerWindow) {
        window.left += 1;
        return;
      }
      window.logged += 1;
      const line = {
        route,
        reason,
        remote: capped(request.socket.remoteAddress ?? ''),
        ...cappedDetails(details),
        ...(window.left > 0 ? { notLogged: window.left } : {}),
      };
      window.left = 0;
      // The request's own logger: the line carries its request id, and every secret is masked as in any other.
      request.log.warn(line, 'request refused');
    },
  };
}

function cappedDetails(details: RefusalDetails): Record<string, string | number | boolean> {
  const kept: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(details).slice(0, MAX_DETAILS)) {
    if (value === undefined) continue;
    kept[capped(name)] = typeof value === 'string' ? capped(value) : value;
  }
  return kept;
}

/** Short, one line, printable: a requester's text cannot make a log line long or break it apart. */
function capped(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is being removed
  const printable = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
  return printable.length > FIELD_CHARS ? `${printable.slice(0, FIELD_CHARS)}…` : printable;
}
