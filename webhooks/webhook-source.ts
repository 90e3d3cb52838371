import type { ParseResult, SourceName } from './intake-event.ts';

export type Headers = Readonly<Record<string, string | undefined>>;

/** One inbound source: where it is posted, how the sender proves itself, and how its body becomes intake events. */
export interface WebhookSource {
  readonly name: SourceName;
  /** `/webhooks/<name>`, or `/webhooks/<name>/:name` for a source that serves several configured webhooks (generic). */
  readonly path: string;
  /**
   * `authorization`: a bearer token or Basic credentials in the Authorization header (Alertmanager,
   * Coroot, Grafana, Uptime Kuma, generic). `signature`: an HMAC of the raw body (GitHub's X-Hub-Signature-256).
   */
  readonly authentication: 'authorization' | 'signature';
  /** The sender's own id of a delivery, the same when it redelivers: a repeat is stored once. */
  dedupKey?(headers: Headers): string | undefined;
  /** `params`: the route's path parameters (the generic webhook's `name`). */
  parse(body: unknown, headers?: Headers, params?: Readonly<Record<string, string>>): ParseResult;
}
