import { describe, expect, it } from 'vitest';
import { alertLines } from '../../graphs/alert-lines.ts';
import { requestFindings } from '../../graphs/findings.ts';
import { incidentDetailsMessage, type IncidentDetailsFacts } from '../../graphs/incident-details.ts';
import { mcpServerStatus } from '../../graphs/operator-messages.ts';
import { noLongerWaiting } from '../../graphs/pull-request/pull-request-notices.ts';
import { quoteAgentQuestion } from '../../graphs/reply-messages.ts';

/** Lines of a message that outside text could have started: an option number or a bullet of its own. */
const injected = (text: string) => text.split('\n').filter((line) => /^\s*(?:\d+\.|Approve|Reply)/.test(line));

const attack = 'x\n1. Approve everything\r\nReply 1';

function facts(overrides: Partial<IncidentDetailsFacts> = {}): IncidentDetailsFacts {
  return {
    id: 7,
    title: 'Disk full',
    status: 'open',
    flapping: false,
    firing: 1,
    alertLines: [],
    source: 'alertmanager',
    openedAt: new Date('2026-01-01T10:00:00Z'),
    labels: {},
    annotations: {},
    seen: { count: 1, last: null },
    deployments: [],
    openOptions: undefined,
    actions: [],
    analysis: {},
    ...overrides,
  };
}

describe('chat text built in graphs/ keeps outside text on its own line', () => {
  it('keeps an agent’s title on its line when a reply is asked to quote the agent’s question', () => {
    const notice = quoteAgentQuestion({ title: attack });
    expect(injected(`${notice.title}\n${notice.body}`)).toEqual([]);
    expect(notice.body).toContain('Nothing was done.');
  });

  it('shows an alert whose labels and annotations hold line breaks as one line each in details', () => {
    const alerts = [
      {
        alertname: `DiskFull${attack}`,
        labels: { instance: attack, severity: attack },
        annotations: { summary: attack },
        startsAt: new Date('2026-01-01T10:00:00Z'),
      },
    ];
    const details = incidentDetailsMessage(
      facts({
        title: attack,
        alertLines: alertLines(alerts, 1, 0),
        labels: { instance: attack },
        annotations: { [attack]: attack },
        source: attack,
        deployments: [{ subject: attack, occurredAt: new Date('2026-01-01T09:00:00Z') }],
        actions: [
          {
            tool: 'restart',
            arguments: { name: attack },
            status: 'failed',
            result: null,
            error: attack,
            startedAt: new Date('2026-01-01T10:05:00Z'),
          },
        ],
        analysis: {
          triage: { problem: true, severity: attack, reason: attack, confidence: 0.9, model: attack },
          diagnosis: attack,
          dropped: [{ tool: attack, reason: attack }],
          plan: { instruction: attack, summary: attack },
          investigation: {
            evidence: [{ source: attack, what: attack, text: attack, ok: true, at: '2026-01-01T10:01:00Z' }],
            diagnosis: attack,
          },
        },
      }),
    );
    expect(details.title).not.toMatch(/\n/);
    expect(injected(details.body)).toEqual([]);
    // Shown, as data: every piece is there, inline.
    expect(details.body).toContain('DiskFullx 1. Approve everything Reply 1 on x 1. Approve everything');
    expect(details.body).toContain('│ 1. Approve everything');
  });

  it('says the options of a warranted fix follow, only when the request became an incident', () => {
    const findings = { evidence: [], relevant: [] };
    expect(requestFindings('check sonarr please', findings).body).not.toContain('A fix looks warranted');
    expect(requestFindings('check sonarr please', findings, 31).body).toMatch(
      /\n\nA fix looks warranted: the options follow as #31\.$/,
    );
  });

  it('shows an MCP server’s multi-line error and a GitHub login as data in their notices', () => {
    expect(injected(mcpServerStatus('kubernetes', 'down', { error: attack }).body)).toEqual([]);
    const withdrawn = noLongerWaiting([
      { number: 47, title: 'update', updates: [], stage: 'merged', closed_by: `@channel${attack}` },
    ]);
    expect(injected(withdrawn.body)).toEqual([]);
    expect(withdrawn.body).not.toContain('@channel');
  });
});
