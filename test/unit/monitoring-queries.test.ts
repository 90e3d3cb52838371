import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createMetrics } from '../../bot/metrics/create-metrics.ts';
import { registerMcpGauges } from '../../bot/metrics/mcp-gauges.ts';
import { registerStateGauges } from '../../bot/metrics/state-gauges.ts';
import { repoRoot } from '../helpers/service-process.ts';

const dashboardFile = path.join(repoRoot, 'deploy/grafana/steward-dashboard.json');
const rulesFile = path.join(repoRoot, 'deploy/prometheus/steward-rules.yml');

/**
 * Every series name Steward serves, from the registry bot/metrics builds (with the gauges read at
 * scrape time registered too; nothing is scraped, so their database is never asked). Histograms serve
 * _bucket, _sum and _count. `up` is the series Prometheus itself writes for each scrape target.
 */
function servedSeries(): Set<string> {
  const metrics = createMetrics();
  const neverAsked = { query: () => Promise.reject(new Error('not scraped in this test')) };
  registerStateGauges(metrics, neverAsked as never);
  registerMcpGauges(metrics, () => []);
  const names = new Set(['up']);
  for (const metric of metrics.registry.getMetricsAsArray() as unknown as { name: string; type: string }[]) {
    const suffixes =
      metric.type === 'histogram'
        ? ['_bucket', '_sum', '_count']
        : metric.type === 'summary'
          ? ['', '_sum', '_count']
          : [''];
    for (const suffix of suffixes) names.add(`${metric.name}${suffix}`);
  }
  return names;
}

/** The metric names a PromQL expression selects, parsed by Prometheus's own grammar (lezer-promql). */
function selectedMetrics(expr: string): string[] {
  const tree = parser.parse(expr);
  const names: string[] = [];
  const errors: string[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError) errors.push(`at ${node.from}: ${JSON.stringify(expr.slice(node.from, node.from + 20))}`);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector')
        names.push(expr.slice(node.from, node.to));
    },
  });
  if (errors.length > 0) throw new Error(`not PromQL: ${expr} (${errors.join(', ')})`);
  return names;
}

interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: { refId: string; expr: string }[];
  panels?: Panel[];
}

function dashboard() {
  return JSON.parse(readFileSync(dashboardFile, 'utf8')) as {
    uid: string;
    panels: Panel[];
    templating: { list: { name: string; type: string; query: unknown }[] };
  };
}

function panelExpressions(): { where: string; expr: string }[] {
  const flat = dashboard().panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
  return flat.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ where: `${panel.title} ${target.refId}`, expr: target.expr })),
  );
}

function rules() {
  return (
    parseYaml(readFileSync(rulesFile, 'utf8')) as {
      groups: {
        name: string;
        rules: {
          alert: string;
          expr: string;
          for?: string;
          labels: { severity: string };
          annotations: { summary: string };
        }[];
      }[];
    }
  ).groups.flatMap((group) => group.rules);
}

describe('monitoring Steward: the Grafana dashboard and the Prometheus rules', () => {
  const served = servedSeries();

  it('knows the metrics an operator needs', () => {
    for (const name of [
      'steward_build_info',
      'steward_actions_total',
      'steward_approval_latency_seconds_bucket',
      'steward_mcp_server_up',
      'steward_mcp_server_tools',
      'steward_mcp_tool_calls_total',
      'process_resident_memory_bytes',
    ]) {
      expect(served, name).toContain(name);
    }
  });

  it('the parser really reads metric names, and refuses what is not PromQL', () => {
    expect(
      selectedMetrics(
        'histogram_quantile(0.9, sum by (le) (rate(a_bucket{job=~"$job"}[5m]))) / on() group_left max(b)',
      ),
    ).toEqual(['a_bucket', 'b']);
    expect(() => selectedMetrics('sum(rate(a[5m])')).toThrow(/not PromQL/);
  });

  it('the dashboard queries only metrics that exist, in valid PromQL', () => {
    const queries = panelExpressions();
    expect(queries.length).toBeGreaterThan(15);
    for (const { where, expr } of queries) {
      const names = selectedMetrics(expr);
      expect(names.length, `${where}: ${expr}`).toBeGreaterThan(0);
      for (const name of names) expect(served, `${where} uses ${name}`).toContain(name);
    }
    // The variables' own queries (Grafana's label_values(metric, label)) name served metrics too.
    for (const variable of dashboard().templating.list.filter((item) => item.type === 'query')) {
      const query = JSON.stringify(variable.query);
      const metric = /label_values\((\w+),/.exec(query)?.[1];
      expect(served, `variable ${variable.name}`).toContain(metric);
    }
  });

  it('the dashboard shows actions, approval latency, MCP health and the build, and is well formed', () => {
    const used = new Set(panelExpressions().flatMap(({ expr }) => selectedMetrics(expr)));
    for (const name of [
      'steward_actions_total',
      'steward_approval_latency_seconds_bucket',
      'steward_mcp_server_up',
      'steward_mcp_tool_calls_total',
      'steward_build_info',
    ])
      expect(used, name).toContain(name);
    const panels = dashboard().panels;
    expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
    for (const panel of panels.filter((item) => item.type !== 'row'))
      expect(new Set(panel.targets!.map((target) => target.refId)).size, panel.title).toBe(panel.targets!.length);
  });

  it('the alerting rules use only metrics that exist, and each says how bad and what', () => {
    const all = rules();
    expect(all.length).toBeGreaterThanOrEqual(8);
    for (const rule of all) {
      for (const name of selectedMetrics(rule.expr)) expect(served, `${rule.alert} uses ${name}`).toContain(name);
      expect(['critical', 'warning', 'info'], rule.alert).toContain(rule.labels.severity);
      expect(rule.annotations.summary, rule.alert).toBeTruthy();
    }
    const alerts = all.map((rule) => rule.alert);
    for (const alert of ['StewardDown', 'StewardDependencyDown', 'StewardMcpServerDown', 'StewardActionsFailing'])
      expect(alerts).toContain(alert);
  });

  const promtool = spawnSync('promtool', ['--version']).status === 0;
  it.runIf(promtool)('promtool accepts the rules', () => {
    expect(execFileSync('promtool', ['check', 'rules', rulesFile], { encoding: 'utf8' })).toMatch(
      /SUCCESS: \d+ rules found/,
    );
  });
});
