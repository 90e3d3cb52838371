import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/service-process.ts';

/** Every TypeScript source file of the program (not tests), with its path from the repository root. */
function sources(): { file: string; text: string }[] {
  const found: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(path.join(repoRoot, dir))) {
      const relative = path.join(dir, name);
      if (statSync(path.join(repoRoot, relative)).isDirectory()) walk(relative);
      else if (name.endsWith('.ts')) found.push({ file: relative, text: readFileSync(path.join(repoRoot, relative), 'utf8') });
    }
  };
  for (const top of ['bot', 'graphs', 'runbooks', 'notifiers', 'webhooks']) walk(top);
  return found;
}

describe('house rules the linter cannot see', () => {
  it('has one backoff formula (graphs/backoff.ts) and one duration parser (graphs/durations.ts)', () => {
    const exponential = sources().filter(({ file, text }) => file !== 'graphs/backoff.ts' && /\b2 \*\* /.test(text));
    expect(exponential.map(({ file }) => file)).toEqual([]);
    const durationUnits = sources().filter(({ file, text }) => file !== 'graphs/durations.ts' && /\((?:ms\|)?s\|m\|h\|d|\[smhdw\]|\[mhdw\]|\bwk\b.*\bweeks?\b/.test(text));
    expect(durationUnits.map(({ file }) => file)).toEqual([]);
  });
});
