import { alertmanagerSource } from './alertmanager/source.ts';
import { corootSource } from './coroot/source.ts';
import type { GenericMapping } from './generic/schema.ts';
import { createGenericSource } from './generic/source.ts';
import { githubSource } from './github/source.ts';
import { grafanaSource } from './grafana/source.ts';
import { uptimeKumaSource } from './uptime-kuma/source.ts';
import type { WebhookSource } from './webhook-source.ts';

export type { Headers, WebhookSource } from './webhook-source.ts';

export interface WebhookSourceOptions {
  /** The generic webhooks by name (STEWARD_CONFIG `webhooks.generic`), without their tokens. */
  generic?: Readonly<Record<string, GenericMapping>>;
}

/** Every folder under webhooks/ is listed here; test/unit/webhook-registry.test.ts checks it. */
export function createWebhookSources(options: WebhookSourceOptions = {}): readonly WebhookSource[] {
  return [
    alertmanagerSource,
    corootSource,
    githubSource,
    grafanaSource,
    uptimeKumaSource,
    createGenericSource(options.generic ?? {}),
  ];
}
