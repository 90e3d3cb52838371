import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { createSecretlint } from '../../bot/llm/secretlint-findings.ts';

/**
 * secretlint's profiler (before 13.x, which needs Node 22) marks every rule of every search in the
 * process-wide performance timeline and keeps each mark: each search grew slower and memory grew for
 * as long as Steward ran. Steward switches it off; a search must leave nothing behind.
 */
describe('secretlint in a long-running process', () => {
  it('leaves no performance marks behind, however many searches run, and still finds secrets', async () => {
    const secretlint = createSecretlint();
    const token = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
    const marksBefore = performance.getEntriesByType('mark').length;
    for (let search = 0; search < 50; search += 1) {
      const found = await secretlint.find(`pod radarr-${search} restarted; GITHUB_TOKEN=${token}`);
      expect(found.some((finding) => finding.kind === 'secret')).toBe(true);
    }
    // With the profiler on, each search adds 60 marks (3,000 here), and the profiler keeps them all.
    expect(performance.getEntriesByType('mark').length - marksBefore).toBe(0);
    const { secretLintProfiler } = await import('@secretlint/profiler');
    expect(await secretLintProfiler.getEntries()).toEqual([]);
  });
});
