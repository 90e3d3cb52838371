import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../graphs/backoff.ts';
import { formatDuration, parseDuration } from '../../graphs/durations.ts';
import { parseDelay } from '../../bot/commands/durations.ts';
import { parseWhen } from '../../bot/cli/audit-command.ts';
import { readConfig } from '../../bot/config/index.ts';

describe('one duration parser, one backoff', () => {
  it('reads s, m, h, d and w (and their long names) the same everywhere', () => {
    expect(
      ['500ms', '30s', '15m', '2h', '7d', '1w', '2 hours', '90 min', '1 week', '45 Seconds'].map(parseDuration),
    ).toEqual([500, 30_000, 900_000, 7_200_000, 604_800_000, 604_800_000, 7_200_000, 5_400_000, 604_800_000, 45_000]);
    for (const bad of ['', '5', 'h', '1.5h', '-2h', '2x', '1h30m']) expect(parseDuration(bad), bad).toBeUndefined();
    // Configuration, chat replies and the command line agree, weeks included.
    expect(readConfig({ FLAP_WINDOW: '1w' }).flapWindowMs).toBe(604_800_000);
    expect(parseDelay('1w')).toBe(604_800_000);
    expect(parseDelay('30s')).toBe(30_000);
    expect(parseDelay('5w')).toBeUndefined(); // past the longest snooze
    expect(parseWhen('1w', new Date('2026-12-08T00:00:00Z'))).toEqual(new Date('2026-12-01T00:00:00Z'));
    expect(formatDuration(7_200_000)).toBe('2h');
    expect(formatDuration(90_000)).toBe('90s');
  });

  it('doubles up to the cap, with the jitter asked for', () => {
    expect([0, 1, 2, 3, 10, 100].map((attempt) => backoffDelay(attempt, { baseMs: 1_000, maxMs: 5_000 }))).toEqual([
      1_000, 2_000, 4_000, 5_000, 5_000, 5_000,
    ]);
    expect(backoffDelay(2, { baseMs: 1_000, maxMs: 60_000, jitter: 0.2, random: () => 0 })).toBe(3_200);
    expect(backoffDelay(2, { baseMs: 1_000, maxMs: 60_000, jitter: 0.2, random: () => 1 })).toBeCloseTo(4_800, 6);
    expect(backoffDelay(0, { baseMs: 250, maxMs: 10_000, jitter: 0.5, random: () => 0.5 })).toBe(250);
  });
});
