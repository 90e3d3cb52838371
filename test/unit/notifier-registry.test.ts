import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { notifierRegistry } from '../../notifiers/registry.ts';
import { repoRoot } from '../helpers/service-process.ts';

describe('notifiers/registry.ts', () => {
  it('lists every platform folder under notifiers/, and nothing else', () => {
    const folders = readdirSync(path.join(repoRoot, 'notifiers')).filter((name) =>
      statSync(path.join(repoRoot, 'notifiers', name)).isDirectory(),
    );
    expect(Object.keys(notifierRegistry).sort()).toEqual(folders.sort());
  });
});
