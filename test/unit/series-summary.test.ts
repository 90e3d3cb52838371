import { describe, expect, it } from 'vitest';
import { describeSummary, summarizeSeries } from '../../bot/investigation/series-summary.ts';

const series = (values: string[]) => ({
  metric: { __name__: 'node_load1', job: 'node', instance: 'nas:9100' },
  values: values.map((value, index): [number, string] => [1_700_000_000 + index * 60, value]),
});

describe('a series summary', () => {
  it('is first, min, max, last and a trend, not the points', () => {
    const summary = summarizeSeries(series(['0.5', '0.4', '1.2', '2.9', '3.4']))!;
    expect(summary).toEqual({
      series: 'node_load1{instance="nas:9100", job="node"}',
      first: 0.5,
      min: 0.4,
      max: 3.4,
      last: 3.4,
      trend: 'rising',
      points: 5,
    });
    expect(describeSummary(summary)).toBe(
      'node_load1{instance="nas:9100", job="node"}: 0.5 → 3.4 (min 0.4, max 3.4, rising)',
    );
  });

  it('calls small changes flat and skips what is not a number', () => {
    expect(summarizeSeries(series(['10', '10.2', 'NaN', '10.5']))!.trend).toBe('flat');
    expect(summarizeSeries(series(['8', '3', '+Inf', '1']))).toMatchObject({ trend: 'falling', max: 8, last: 1 });
    expect(summarizeSeries(series(['NaN']))).toBeUndefined();
    expect(summarizeSeries(series(['0', '0']))!.trend).toBe('flat');
  });
});
