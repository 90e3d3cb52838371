import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runbookSchema } from '../../runbooks/runbook-schema.ts';
import { countersOf, definitionDigest, fileStanding, successRate, withState } from '../../runbooks/runbook-state.ts';

const text = readFileSync(
  fileURLToPath(new URL('../../runbooks/examples/demo-pod-memory-leak.yaml', import.meta.url)),
  'utf8',
);
const runbook = runbookSchema.parse(parse(text));

describe('runbook state (runbooks/runbook-state.ts)', () => {
  it('digests what a person decides: not the counters, comments or layout; the trigger, calls and level do count', () => {
    const used = {
      ...runbook,
      solutions: runbook.solutions.map((solution) => ({
        ...solution,
        human_selected: 9,
        successes: 8,
        failures: 1,
        success_rate: 0.889,
        last_used: '2026-12-01',
      })),
    };
    expect(definitionDigest(used)).toBe(definitionDigest(runbook));
    expect(definitionDigest(runbookSchema.parse(parse(text.replace(/^#.*$/gm, ''))))).toBe(definitionDigest(runbook));
    expect(definitionDigest({ ...runbook, trigger: { ...runbook.trigger, alertname: 'Other' } })).not.toBe(
      definitionDigest(runbook),
    );
    expect(definitionDigest({ ...runbook, solutions: [{ ...runbook.solutions[0]!, args: { name: 'x' } }] })).not.toBe(
      definitionDigest(runbook),
    );
    expect(
      definitionDigest({ ...runbook, automation_level: 'auto_notify', promoted_solution: 'restart_pod' }),
    ).not.toBe(definitionDigest(runbook));
  });

  it('puts the shared level and counters over the file, with the rate computed', () => {
    const shared = withState(
      { ...runbook, promoted_solution: 'restart_pod', automation_level: 'auto_notify' },
      {
        automation_level: 'ask_human',
        promoted_solution: undefined,
        counters: new Map([['restart_pod', { human_selected: 3, successes: 2, failures: 1, last_used: '2026-12-02' }]]),
      },
    );
    expect(shared.automation_level).toBe('ask_human');
    expect(shared).not.toHaveProperty('promoted_solution');
    expect(shared.solutions[0]).toMatchObject({
      human_selected: 3,
      successes: 2,
      failures: 1,
      success_rate: 0.667,
      last_used: '2026-12-02',
      action: 'restart_pod',
    });
    expect(countersOf(shared.solutions[0]!)).toEqual({
      human_selected: 3,
      successes: 2,
      failures: 1,
      last_used: '2026-12-02',
    });
    expect(successRate({ successes: 0, failures: 0 })).toBe(0);
  });

  it('tells a new, current, stale or hand-edited file apart', () => {
    expect(fileStanding('a', undefined)).toBe('new');
    expect(fileStanding('a', { digest: 'a', revisions: new Set(['a']) })).toBe('current');
    expect(fileStanding('old', { digest: 'a', revisions: new Set(['old', 'a']) })).toBe('stale');
    expect(fileStanding('mine', { digest: 'a', revisions: new Set(['old', 'a']) })).toBe('edited');
  });
});
