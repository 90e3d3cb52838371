import { parseDuration } from '../../graphs/durations.ts';

const DAY = 86_400_000;

/** Longest snooze or deferral a reply may ask for; a larger number is treated as a typo. */
export const MAX_DELAY_MS = 30 * DAY;

/** `2h`, `30m`, `1d`, `2 hours`, `90 min`: a positive, bounded delay in ms, else undefined (graphs/durations.ts rules). */
export function parseDelay(text: string): number | undefined {
  const ms = parseDuration(text);
  return ms !== undefined && ms > 0 && ms <= MAX_DELAY_MS ? ms : undefined;
}
