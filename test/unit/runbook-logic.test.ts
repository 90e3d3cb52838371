import { describe, expect, it } from 'vitest';
import {
  asksWhetherProblem,
  isStandardChange,
  loudness,
  mayRunAlone,
  maySuggest,
  radiusOf,
} from '../../runbooks/autonomy.ts';
import { promotionDue, recordOutcome } from '../../runbooks/learning.ts';
import { matchRunbooks } from '../../runbooks/match-runbooks.ts';
import { runbookSchema, type Runbook } from '../../runbooks/runbook-schema.ts';
import { renderArgs, templateArgs, templateLabels } from '../../runbooks/templates.ts';
import { pins, unpinnedLabels } from '../../runbooks/pinned-labels.ts';
import { familyPattern, runbookFromFix } from '../../runbooks/runbook-from-fix.ts';

const runbook = (id: string, labels: Record<string, string>): Runbook =>
  runbookSchema.parse({
    id,
    created: '2025-12-21',
    trigger: { alertname: 'HighMemory', labels },
    solutions: [
      {
        id: 'increase_memory',
        description: 'Increase memory 1GB → 2GB',
        action: 'kubectl_patch',
        args: { name: '{{labels.pod}}' },
      },
    ],
  });

describe('runbooks, the pure parts', () => {
  it('matches by alert name and anchored label patterns, most specific first, ties kept', () => {
    const general = runbook('high-memory', {});
    const radarr = runbook('radarr-memory', { pod: 'radarr.*' });
    const radarrMedia = runbook('radarr-media-memory', { pod: 'radarr.*', namespace: 'media' });
    const alsoRadarrMedia = runbook('radarr-media-memory-2', { pod: 'radarr-\\d+', namespace: 'med.*' });
    const all = [general, radarr, radarrMedia, alsoRadarrMedia];
    expect(
      matchRunbooks(all, { alertname: 'HighMemory', labels: { pod: 'radarr-0', namespace: 'media' } }).map((r) => r.id),
    ).toEqual(['radarr-media-memory', 'radarr-media-memory-2']);
    expect(
      matchRunbooks(all, { alertname: 'HighMemory', labels: { pod: 'radarr-0', namespace: 'other' } }).map((r) => r.id),
    ).toEqual(['radarr-memory']);
    expect(matchRunbooks(all, { alertname: 'HighMemory', labels: { pod: 'xradarr-0' } }).map((r) => r.id)).toEqual([
      'high-memory',
    ]);
    expect(matchRunbooks(all, { alertname: 'DiskFull', labels: {} })).toEqual([]);
  });

  it('fills arguments from labels, never leaves a literal template, and templates a learned fix back from them', () => {
    expect(
      renderArgs(
        { name: '{{labels.pod}}', namespace: '{{ labels.namespace }}', memory: '2Gi', list: ['{{labels.pod}}'] },
        { pod: 'radarr-0', namespace: 'media' },
      ),
    ).toEqual({ ok: true, args: { name: 'radarr-0', namespace: 'media', memory: '2Gi', list: ['radarr-0'] } });
    // A label the alert does not have makes the call unusable, with the labels it lacks.
    expect(
      renderArgs(
        { name: '{{labels.pod}}', namespace: '{{labels.namespace}}', nested: { x: '{{labels.zone}}' } },
        { pod: 'radarr-0' },
      ),
    ).toEqual({ ok: false, missing: ['namespace', 'zone'] });
    expect(
      templateLabels({
        name: '{{labels.pod}}',
        namespace: '{{ labels.namespace }}',
        list: ['{{labels.pod}}'],
        memory: '2Gi',
      }),
    ).toEqual(['namespace', 'pod']);
    expect(
      templateArgs({ name: 'radarr-0', namespace: 'media', memory: '2Gi' }, { pod: 'radarr-0', namespace: 'media' }),
    ).toEqual({ name: '{{labels.pod}}', namespace: '{{labels.namespace}}', memory: '2Gi' });
  });

  it('says which labels a fix is aimed by that its trigger does not pin: a value or a family pins, a catch-all does not', () => {
    for (const pinned of ['media', 'radarr-\\d+', 'media|home', 'radarr-[a-z0-9]{5,10}-[a-z0-9]{5}', 'kube-system'])
      expect(pins(pinned), pinned).toBe(true);
    for (const loose of [undefined, '.*', '.+', '\\S+', '[a-z0-9-]+', '.*x.*|.*', '('])
      expect(pins(loose), String(loose)).toBe(false);
    const book = runbookSchema.parse({
      id: 'r',
      created: '2025-12-21',
      trigger: { alertname: 'HighMemory', labels: { pod: 'vault-\\d+', job: '.*' } },
      solutions: [
        {
          id: 's',
          description: 'd',
          action: 'restart_pod',
          args: {
            name: '{{labels.pod}}',
            namespace: '{{labels.namespace}}',
            job: '{{labels.job}}',
            alert: '{{labels.alertname}}',
          },
        },
      ],
    });
    expect(unpinnedLabels(book, book.solutions[0]!)).toEqual(['job', 'namespace']);
  });

  it('learns a runbook named by its call or the owner\u2019s words, its trigger pinning the family of every label its arguments use', () => {
    expect(familyPattern('radarr-0')).toBe('radarr-\\d+');
    expect(familyPattern('payments-api-7d9f8b6c5-2xkqp')).toBe('payments-api-[a-z0-9]{5,10}-[a-z0-9]{5}');
    expect(familyPattern('vault.home')).toBe('vault\\.home');
    const alert = {
      alertname: 'HighMemory',
      labels: { alertname: 'HighMemory', namespace: 'media', pod: 'radarr-0' },
      common: { alertname: 'HighMemory', namespace: 'media' },
    };
    const describe = (call: { tool: string; arguments: Record<string, unknown> }) =>
      `${call.tool} ${JSON.stringify(call.arguments)}`;
    const learned = runbookFromFix(
      alert,
      { tool: 'restart_pod', arguments: { name: 'radarr-0', namespace: 'media' } },
      { risk: 'low', reversible: true },
      describe,
      new Date('2026-12-02T10:00:00Z'),
    );
    expect(learned.trigger).toEqual({ alertname: 'HighMemory', labels: { namespace: 'media', pod: 'radarr-\\d+' } });
    expect(learned.solutions[0]!.description).toBe(
      'restart_pod {"name":"{{labels.pod}}","namespace":"{{labels.namespace}}"}',
    );
    expect(unpinnedLabels(learned, learned.solutions[0]!)).toEqual([]);
    const worded = runbookFromFix(
      alert,
      { tool: 'restart_pod', arguments: { name: 'radarr-0', namespace: 'media' } },
      { ownerWords: 'restart it, it leaks' },
      describe,
    );
    expect(worded.solutions[0]!.description).toBe('restart it, it leaks');
  });

  it('counts choices and outcomes, and proposes promotion only once the criteria are met', () => {
    let current = runbook('radarr-memory', { pod: 'radarr.*' });
    for (let i = 0; i < 4; i++)
      current = {
        ...current,
        solutions: [recordOutcome(current.solutions[0]!, true, new Date('2026-11-23T10:00:00Z'))],
      };
    expect(current.solutions[0]).toMatchObject({
      human_selected: 4,
      successes: 4,
      failures: 0,
      success_rate: 1,
      last_used: '2026-11-23',
    });
    expect(promotionDue(current, current.solutions[0]!)).toBe(false);
    current = { ...current, solutions: [recordOutcome(current.solutions[0]!, true, new Date())] };
    expect(promotionDue(current, current.solutions[0]!)).toBe(true);
    const failed = recordOutcome(current.solutions[0]!, false, new Date());
    expect(failed).toMatchObject({ human_selected: 6, successes: 5, failures: 1, success_rate: 0.833 });
    expect(promotionDue(current, failed)).toBe(false);
    expect(promotionDue({ ...current, automation_level: 'auto_notify' }, current.solutions[0]!)).toBe(false);
  });

  it('lets each autonomy mode run and suggest up to its own blast radius, never cluster-wide', () => {
    const table = (['verbose', 'learning', 'selective', 'mature'] as const).map((mode) => [
      mode,
      (['single_pod', 'namespace', 'node', 'cluster'] as const)
        .filter((radius) => mayRunAlone(mode, radius))
        .join(' ') || '-',
      (['single_pod', 'namespace', 'node', 'cluster'] as const)
        .filter((radius) => maySuggest(mode, radius))
        .join(' ') || '-',
    ]);
    expect(table).toEqual([
      ['verbose', '-', '-'],
      ['learning', '-', 'single_pod namespace'],
      ['selective', 'single_pod namespace', 'single_pod namespace'],
      ['mature', 'single_pod namespace node', 'single_pod namespace node'],
    ]);
  });

  it('takes the radius from the owner\u2019s policy first, and calls low-risk, reversible single-pod fixes standard', () => {
    const book = runbookSchema.parse({
      id: 'r',
      created: '2025-12-21',
      trigger: { alertname: 'A' },
      solutions: [{ id: 's', description: 'd', action: 'k8s.restart_pod', args: {}, risk: 'low', reversible: true }],
    });
    const solution = book.solutions[0]!;
    expect(radiusOf(book, solution, {})).toBe('single_pod');
    expect(radiusOf(book, solution, { restart_pod: 'node' })).toBe('node');
    expect(radiusOf(book, solution, { 'k8s.restart_pod': 'namespace', restart_pod: 'node' })).toBe('namespace');
    expect(radiusOf(book, solution, { 'k8s.restart_pod': 'everything' })).toBe('single_pod');
    expect(isStandardChange(solution, 'single_pod')).toBe(true);
    expect(isStandardChange(solution, 'namespace')).toBe(false);
    expect(isStandardChange({ ...solution, reversible: false }, 'single_pod')).toBe(false);
    expect(loudness('mature', 'auto_notify', true)).toBe('auto_silent');
    expect(loudness('mature', 'auto_notify', false)).toBe('auto_notify');
    expect(loudness('selective', 'auto_silent', true)).toBe('auto_notify');
  });

  it('asks "Is this a problem?" always in verbose, otherwise only for new patterns triage doubts', () => {
    expect(asksWhetherProblem('verbose', { known: true })).toBe(true);
    expect(asksWhetherProblem('learning', { known: true })).toBe(false);
    expect(asksWhetherProblem('selective', { known: false, problem: true, confidence: 0.8 })).toBe(false);
    expect(asksWhetherProblem('selective', { known: false, problem: true, confidence: 0.79 })).toBe(true);
    expect(asksWhetherProblem('mature', { known: false, problem: false, confidence: 1 })).toBe(true);
    expect(asksWhetherProblem('mature', { known: false })).toBe(true);
  });

  it('refuses a label pattern that is not a regular expression', () => {
    const parsed = runbookSchema.safeParse({
      id: 'x',
      created: '2025-12-21',
      trigger: { alertname: 'A', labels: { pod: 'radarr-(' } },
      solutions: [{ id: 's', description: 'd', action: 't' }],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]).toMatchObject({
      path: ['trigger', 'labels', 'pod'],
      message: 'is not a valid regular expression',
    });
  });
});

describe('the shipped examples', () => {
  it('all validate, one per file, with distinct ids', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const dir = new URL('../../runbooks/examples/', import.meta.url);
    const files = readdirSync(dir).filter((name) => name.endsWith('.yaml'));
    expect(files.sort()).toEqual([
      'certificate-expiring.yaml',
      'demo-pod-memory-leak.yaml',
      'disk-filling-up.yaml',
      'pod-crash-loop.yaml',
      'radarr-memory-pressure.yaml',
    ]);
    const ids = files.map((name) => runbookSchema.parse(parse(readFileSync(new URL(name, dir), 'utf8'))).id);
    expect(new Set(ids).size).toBe(files.length);
  });
});
