/**
 * Durations as people write them, one set of rules everywhere (configuration, chat replies, the
 * command line): a whole number and a unit, `30s`, `15m`, `2h`, `7d`, `2w`, also `500ms`, `90 min`,
 * `2 hours`, `1 week`. Pure.
 */
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

const units: Readonly<Record<string, number>> = {
  ms: 1,
  s: SECOND,
  sec: SECOND,
  secs: SECOND,
  second: SECOND,
  seconds: SECOND,
  m: MINUTE,
  min: MINUTE,
  mins: MINUTE,
  minute: MINUTE,
  minutes: MINUTE,
  h: HOUR,
  hr: HOUR,
  hrs: HOUR,
  hour: HOUR,
  hours: HOUR,
  d: DAY,
  day: DAY,
  days: DAY,
  w: WEEK,
  wk: WEEK,
  week: WEEK,
  weeks: WEEK,
};

/** The duration in milliseconds, or undefined when `text` is not one (a bare number has no unit). */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,9})\s*([a-z]+)$/i.exec(text.trim());
  if (!match) return undefined;
  const unit = units[match[2]!.toLowerCase()];
  return unit === undefined ? undefined : Number(match[1]) * unit;
}

/** `2h`, `90s`, `14d`: the largest unit up to days that divides it, else seconds. */
export function formatDuration(ms: number): string {
  for (const [size, unit] of [
    [DAY, 'd'],
    [HOUR, 'h'],
    [MINUTE, 'm'],
    [SECOND, 's'],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.round(ms / 1000)}s`;
}
