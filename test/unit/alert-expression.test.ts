import { describe, expect, it } from 'vitest';
import { alertExpression, seriesOfExpression } from '../../bot/investigation/alert-expression.ts';

describe("an alert's expression", () => {
  it('is read from the generatorURL Prometheus sends (g0.expr), and from nothing else', () => {
    // As Prometheus 2.x builds it (web/ui: /graph?g0.expr=…&g0.tab=1), from a real Alertmanager capture.
    expect(alertExpression('http://prometheus:9090/graph?g0.expr=node_load1+%3E+3&g0.tab=1')).toBe('node_load1 > 3');
    expect(
      alertExpression('https://coroot.example.net/p/x/app/default:Deployment:sonarr?incident=abc'),
    ).toBeUndefined();
    expect(alertExpression('not a url')).toBeUndefined();
    expect(alertExpression(null)).toBeUndefined();
  });

  it('loses its trailing threshold so the query shows how the value got there', () => {
    expect(seriesOfExpression('node_load1 > 3')).toBe('node_load1');
    expect(seriesOfExpression('rate(http_errors_total{job="sonarr"}[5m]) >= 0.5')).toBe(
      'rate(http_errors_total{job="sonarr"}[5m])',
    );
    expect(seriesOfExpression('up == bool 0')).toBe('up');
    expect(seriesOfExpression('x < -1.5e3')).toBe('x');
    // Not a plain "series op number": queried as it is.
    expect(seriesOfExpression('absent(up{job="sonarr"})')).toBe('absent(up{job="sonarr"})');
    expect(seriesOfExpression('a > 1 and b > 2')).toBe('a > 1 and b > 2');
    expect(seriesOfExpression('a > b')).toBe('a > b');
  });
});
