import type { Series } from './prometheus-schema.ts';

export interface SeriesSummary {
  /** The series' labels, `__name__` first, as PromQL writes them. */
  series: string;
  first: number;
  min: number;
  max: number;
  last: number;
  trend: 'rising' | 'falling' | 'flat';
  points: number;
}

/** A change smaller than this share of the range (or of the value) counts as flat. */
const FLAT = 0.1;

/**
 * One series over a window as five numbers and a word (first, min, max, last, trend), not its points:
 * what a person and a model need to see whether something grows, and little enough to quote. Pure.
 */
export function summarizeSeries(series: Series): SeriesSummary | undefined {
  const values = series.values.map(([, value]) => Number(value)).filter((value) => Number.isFinite(value));
  if (values.length === 0) return undefined;
  const first = values[0]!;
  const last = values.at(-1)!;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const scale = Math.max(max - min, Math.abs(first), Math.abs(last));
  const change = last - first;
  const trend = scale === 0 || Math.abs(change) <= FLAT * scale ? 'flat' : change > 0 ? 'rising' : 'falling';
  return { series: seriesName(series.metric), first, min, max, last, trend, points: values.length };
}

export function seriesName(metric: Record<string, string>): string {
  const { __name__: name, ...labels } = metric;
  const inner = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}="${value}"`)
    .join(', ');
  return `${name ?? ''}{${inner}}`;
}

/** `node_load1{instance="a"}: 0.5 → 3.2 (min 0.4, max 3.4, rising)` */
export function describeSummary(summary: SeriesSummary): string {
  return `${summary.series}: ${round(summary.first)} → ${round(summary.last)} (min ${round(summary.min)}, max ${round(summary.max)}, ${summary.trend})`;
}

function round(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}
