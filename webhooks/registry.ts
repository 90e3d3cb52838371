import { alertmanagerSource } from './alertmanager/source.ts';
import { corootSource } from './coroot/source.ts';
import { githubSource } from './github/source.ts';
import type { ParseResult, SourceName } from './intake-event.ts';

export type Headers = Readonly<Record<string, string | undefined>>;

/** One inbound source: where it is posted, how the sender proves itself, and how its body becomes intake events. */
export interface WebhookSource {
  readonly name: SourceName;
  readonly path: string;
  /**
   * `authorization`: a bearer token or Basic credentials in the Authorization header (Alertmanager,
   * Coroot). `signature`: an HMAC of the raw body (GitHub's X-Hub-Signature-256).
   */
  readonly authentication: 'authorization' | 'signature';
  /** The sender's own id of a delivery, the same when it redelivers: a repeat is stored once. */
  dedupKey?(headers: Headers): string | undefined;
  parse(body: unknown, headers?: Headers): ParseResult;
}

/** Every folder under webhooks/ is listed here; test/unit/webhook-registry.test.ts checks it. */
export const webhookSources: readonly WebhookSource[] = [alertmanagerSource, corootSource, githubSource];
