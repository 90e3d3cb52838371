import { alertExpression, seriesOfExpression } from './alert-expression.ts';
import { keptText, type Evidence } from './evidence.ts';
import type { PrometheusClient } from './prometheus-client.ts';
import { describeSummary, summarizeSeries } from './series-summary.ts';

/** Series shown per query: the highest last values, the rest counted. */
const MAX_SERIES = 5;

/**
 * The queries an incident's alerts name: each Prometheus rule's expression (from its generatorURL)
 * without its threshold, once each.
 */
export function queriesOfAlerts(generatorUrls: readonly string[]): string[] {
  const queries = generatorUrls
    .map(alertExpression)
    .filter((expr): expr is string => expr !== undefined)
    .map(seriesOfExpression);
  return [...new Set(queries)];
}

/** One query over the window, summarised per series (first, min, max, last, trend), never dumped. */
export async function gatherSeries(
  prometheus: PrometheusClient,
  query: string,
  window: { end: Date; ms: number },
  timeoutMs: number,
  maxChars: number,
): Promise<Evidence> {
  const at = new Date().toISOString();
  const key = `prometheus:${query}`;
  const result = await prometheus.queryRange(query, window, timeoutMs);
  if (!result.ok)
    return { key, source: 'prometheus', what: query, quote: result.error, text: result.error, ok: false, at };
  const summaries = result.series.map(summarizeSeries).filter((summary) => summary !== undefined);
  if (summaries.length === 0) {
    const none = `no data over the last ${Math.round(window.ms / 60_000)} minutes`;
    return { key, source: 'prometheus', what: query, quote: none, text: none, ok: true, at };
  }
  summaries.sort((a, b) => b.last - a.last);
  const shown = summaries.slice(0, MAX_SERIES).map(describeSummary);
  const more = summaries.length > MAX_SERIES ? ` (+${summaries.length - MAX_SERIES} more series)` : '';
  const text = keptText([...shown, ...(more ? [more.trim()] : [])].join('\n'), maxChars);
  return {
    key,
    source: 'prometheus',
    what: query,
    quote: keptText(`${shown[0]}${more}`, maxChars),
    text,
    ok: true,
    at,
  };
}
