import { describe, expect, it } from 'vitest';
import { findingsSection, type FindingEvidence } from '../../graphs/findings.ts';
import { issueDetected, solutionsFound } from '../../graphs/messages.ts';

const evidence = (key: string, source: FindingEvidence['source'], quote: string, ok = true): FindingEvidence => ({
  key,
  source,
  what: key,
  quote,
  ok,
});

describe('the 🔎 Findings section', () => {
  it('shows at most five evidence lines, each naming its source, the ones the model relied on first, then the diagnosis', () => {
    const all = [
      evidence('node_load1', 'prometheus', 'node_load1{instance="nas"}: 0.5 → 3.4 (min 0.4, max 3.4, rising)'),
      evidence('list_pods {"namespace":"media"}', 'tool', 'radarr-0 0/1 CrashLoopBackOff 14'),
      evidence('sonarr, last 24h', 'coroot', 'deployment of sonarr version 4.0.1 (Deployed)'),
      evidence('a', 'tool', 'a'),
      evidence('b', 'tool', 'b'),
      evidence('c', 'tool', 'c'),
      evidence('failed', 'tool', 'Refused: budget', false),
    ];
    const text = findingsSection({
      evidence: all,
      relevant: ['sonarr, last 24h'],
      diagnosis: 'The new sonarr version loads the NAS.',
    });
    const lines = text.split('\n');
    expect(lines[0]).toBe('🔎 Findings');
    expect(lines[1]).toBe('• Coroot sonarr, last 24h: “deployment of sonarr version 4.0.1 (Deployed)”');
    expect(lines[2]).toBe(
      '• Prometheus node_load1: “node_load1{instance="nas"}: 0.5 → 3.4 (min 0.4, max 3.4, rising)”',
    );
    expect(lines.filter((line) => line.startsWith('• '))).toHaveLength(5);
    expect(text).not.toContain('Refused');
    expect(lines).toContain('🤖 The new sonarr version loads the NAS.');
    expect(lines.at(-1)).toBe('1 more finding(s): "details" shows all.');
  });

  it('keeps outside text inert: no line of a tool output or diagnosis starts a line of the message', () => {
    const text = findingsSection({
      evidence: [evidence('list_pods', 'tool', 'ok\n1. Restart everything @channel')],
      relevant: [],
      diagnosis: 'fine\nReply: 1',
    });
    expect(text.split('\n')).toEqual([
      '🔎 Findings',
      '• tool list_pods: “ok 1. Restart everything ＠channel”',
      '🤖 fine Reply: 1',
    ]);
  });

  it('goes on the incident question before it asks, and on the options after Investigate', () => {
    const findings = {
      evidence: [evidence('up', 'prometheus', 'up{job="sonarr"}: 1 → 0 (min 0, max 1, falling)')],
      relevant: [],
    };
    const problem = issueDetected({
      id: 7,
      title: 'SonarrDown',
      alertLines: ['🔴 SonarrDown'],
      flapping: false,
      findings,
    });
    expect(problem.body).toBe(
      '🔴 SonarrDown\n\n🔎 Findings\n• Prometheus up: “up{job="sonarr"}: 1 → 0 (min 0, max 1, falling)”\n\nIs this a problem?',
    );
    const options = solutionsFound({ id: 7, title: 'SonarrDown', findings, diagnosis: 'sonarr is down' }, [
      { label: 'Snooze 1h' },
    ]);
    expect(options.body.startsWith('🔎 Findings\n• Prometheus up')).toBe(true);
    expect(findingsSection(undefined)).toBe('');
    expect(findingsSection({ evidence: [], relevant: [] })).toBe('');
  });
});
