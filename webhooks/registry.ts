import { alertmanagerSource } from './alertmanager/source.ts';
import { corootSource } from './coroot/source.ts';
import type { ParseResult, SourceName } from './intake-event.ts';

/** One inbound source: where it is posted, and how its body becomes intake events. */
export interface WebhookSource {
  readonly name: SourceName;
  readonly path: string;
  parse(body: unknown): ParseResult;
}

/** Every folder under webhooks/ is listed here; test/unit/webhook-registry.test.ts checks it. */
export const webhookSources: readonly WebhookSource[] = [alertmanagerSource, corootSource];
