import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWebhookSources } from '../../webhooks/registry.ts';

const webhookSources = createWebhookSources();
import { repoRoot } from '../helpers/service-process.ts';

describe('webhooks/registry.ts', () => {
  it('lists every source folder under webhooks/, and nothing else', () => {
    const folders = readdirSync(path.join(repoRoot, 'webhooks')).filter((name) =>
      statSync(path.join(repoRoot, 'webhooks', name)).isDirectory(),
    );
    expect(webhookSources.map((source) => source.name).sort()).toEqual(folders.sort());
  });

  it('gives each source its own path under /webhooks/ (a source of several named webhooks ends in /:name)', () => {
    for (const source of webhookSources)
      expect([`/webhooks/${source.name}`, `/webhooks/${source.name}/:name`]).toContain(source.path);
  });
});
