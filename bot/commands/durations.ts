const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const units: Record<string, number> = {
  m: MINUTE, min: MINUTE, mins: MINUTE, minute: MINUTE, minutes: MINUTE,
  h: HOUR, hr: HOUR, hrs: HOUR, hour: HOUR, hours: HOUR,
  d: DAY, day: DAY, days: DAY,
  w: 7 * DAY, wk: 7 * DAY, week: 7 * DAY, weeks: 7 * DAY,
};

/** Longest snooze or deferral a reply may ask for; a larger number is treated as a typo. */
export const MAX_DELAY_MS = 30 * DAY;

/** `2h`, `30m`, `1d`, `2 hours`, `90 min`: a positive, bounded delay in ms, else undefined. */
export function parseDelay(text: string): number | undefined {
  const match = /^(\d{1,4})\s*([a-z]+)$/.exec(text);
  if (!match) return undefined;
  const unit = units[match[2]!];
  const amount = Number(match[1]);
  if (!unit || amount <= 0) return undefined;
  const ms = amount * unit;
  return ms <= MAX_DELAY_MS ? ms : undefined;
}
