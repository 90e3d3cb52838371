import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../graphs/chat-port.ts';
import { inert, quotedLines } from '../../graphs/inert-text.ts';
import {
  deployedNotice,
  deployFailedQuestion,
  pullRequestDigest,
  pullRequestQuestion,
  type PullRequestView,
} from '../../graphs/pull-request/pull-request-messages.ts';
import {
  actionNotDone,
  actionRan,
  fixComplete,
  issueDetected,
  nextTime,
  noPlan,
  notFixed,
  planProposed,
  promotionSuggested,
  runbookDemoted,
  solutionsFound,
} from '../../graphs/messages.ts';
import { questionMessage, type QuestionRequest } from '../../graphs/questions.ts';
import { renderMessage, type TextStyle } from '../../graphs/render-message.ts';
import { describeCalls } from '../../graphs/tool-call.ts';
import { fuzzRuns } from '../helpers/fuzz-runs.ts';

const styles: TextStyle[] = ['plain', 'signal-styled', 'markdown'];

/** Text an attacker writes into a label, an annotation, a PR, a log line or a model's answer. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom(
    'restic-0\n1. No, expected\n2. Yes, fix it',
    'x\r\n\r\n**📋 Solutions found**\n1. delete_volume',
    '\u2028# Heading\u20291. Yes',
    '@channel @all @here <!channel> <!here> @alice please approve',
    '[click me](https://evil.example) ![img](https://evil.example/t.png) > quoted | table |',
    '\u001b[2J\u001b[31mred\u001b[0m',
    'safe\u202e1. kcab',
    '||hidden|| ~struck~ `mono` *it* **bold**',
  ),
);

/** A message built with `text` in every outside field, rendered. */
type Build = (text: string) => OutgoingMessage;
const asked = (request: QuestionRequest): OutgoingMessage => questionMessage({ id: 7, ...request });
const calls = (text: string) => [{ tool: 'restart_pod', arguments: { name: text, namespace: 'media' } }];

const builders: Record<string, Build> = {
  'issue detected': (text) =>
    asked(issueDetected({ id: 3, title: text, alertLines: [`• ${inert(text)}`], flapping: true, verdict: text })),
  'solutions found': (text) =>
    asked(
      solutionsFound({ id: 3, title: text, diagnosis: text, verdict: text, notes: ['Steward says so.'] }, [
        { label: text, impact: text, risk: 'low', labelSource: { kind: 'model' }, calls: calls(text) },
        {
          label: text,
          labelSource: { kind: 'runbook', id: text },
          record: { successes: 1, chosen: 1 },
          calls: [...calls(text), ...calls(text)],
        },
        { label: 'Ignore' },
      ]),
    ),
  'plan proposed': (text) =>
    asked(
      planProposed(
        { id: 3, title: text },
        { instruction: text, summary: text, steps: [{ ...calls(text)[0]!, why: text }] },
      ),
    ),
  'fix complete': (text) =>
    fixComplete(
      { id: 3, title: text },
      { action: describeCalls(calls(text)), tookMs: 1000, before: inert(text), after: 'every alert resolved' },
    ),
  'next time': (text) => asked(nextTime({ id: 3 }, describeCalls(calls(text)))),
  'action ran': (text) => actionRan(3, calls(text), text, text),
  'action not done': (text) => actionNotDone(3, calls(text), 'failed', text),
  'not fixed': (text) => notFixed({ id: 3, title: text }, calls(text)),
  'no plan': (text) => noPlan(3, text, text),
  'runbook demoted': (text) => runbookDemoted(text, calls(text)),
  'pull request': (text) => asked(pullRequestQuestion(pullRequest(text), 'squash')),
  'pull request digest': (text) => asked(pullRequestDigest([pullRequest(text), { ...pullRequest(text), number: 48 }])),
  deployed: (text) => deployedNotice({ number: 47, title: text, updates: pullRequest(text).updates }, text, text),
  'deploy failed': (text) =>
    asked(deployFailedQuestion({ number: 47, title: text, updates: pullRequest(text).updates, url: text }, text, text)),
  'promotion suggested': (text) =>
    promotionSuggested(
      { id: text, description: text, successes: 5, chosen: 5, radius: 'single_pod', risk: 'low', reversible: true },
      'next time',
      text,
    ),
};

/** A Renovate PR whose every text (package, versions, checks, the model's assessment) is `text`. */
function pullRequest(text: string): PullRequestView {
  return {
    repo: text,
    number: 47,
    url: text,
    updates: [{ package: text, from: text, to: text }],
    updateType: text,
    checks: { passed: 1, failing: [text], pending: 0 },
    assessment: {
      summary: text,
      breaking: [text],
      relevance: text,
      risk: 'low',
      recommendation: 'merge',
      model: text,
      facts: { service: text, recentIncidents: [{ id: 3, title: text, openedAt: '2026-12-01T00:00:00Z' }] },
    },
  };
}

const optionLine = /^(\*\*)?\d+\.(\*\*)? /;

describe('outside text is inert in every message, on every platform', () => {
  it('inert() leaves one capped line with no controls, bidi or zero-width characters, and no mention', () => {
    fc.assert(
      fc.property(hostile, fc.integer({ min: 1, max: 300 }), (text, max) => {
        const flat = inert(text, max);
        expect([...flat].length).toBeLessThanOrEqual(max);
        expect(flat).not.toMatch(/[\p{Cc}\p{Zl}\p{Zp}\p{Cf}]/u);
        expect(flat).not.toMatch(/@[\p{L}\p{N}_]|<!/u);
      }),
      { numRuns: fuzzRuns(500) },
    );
    expect(inert('restic-0\n1. No, expected\n2. Yes, fix it')).toBe('restic-0 1. No, expected 2. Yes, fix it');
  });

  for (const [name, build] of Object.entries(builders)) {
    it(`${name}: outside text adds no line, no option, no heading and no mention`, () => {
      fc.assert(
        fc.property(hostile, (text) => {
          // Text that is nothing once made inert leaves optional parts out; it cannot add any.
          fc.pre(inert(text) !== '');
          for (const style of styles) {
            const shape = renderMessage(build('x'), style).split('\n');
            const lines = renderMessage(build(text), style).split('\n');
            // The same lines as with harmless text, and options only where Steward put them.
            expect(lines.length).toBe(shape.length);
            expect(lines.map((line) => optionLine.test(line))).toEqual(shape.map((line) => optionLine.test(line)));
            const all = lines.join('\n');
            expect(all).not.toMatch(/@(channel|all|here|alice)\b|<!(channel|here)/);
            expect(all.includes('\u001b')).toBe(false);
            if (style === 'markdown') {
              // Every Markdown character of the outside text is escaped: no link, image, quote or emphasis of its own.
              expect(all).not.toMatch(/(^|[^\\])\[click me\]|(^|[^\\])!\[img\]|(^|\n)>|(^|\n)#/);
            }
          }
        }),
        { numRuns: fuzzRuns(100) },
      );
    });
  }

  it('quotes long outside text line by line: every line starts with Steward’s mark, none with the text', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        for (const line of quotedLines(text, 5, 50).split('\n'))
          if (line !== '') expect(line.startsWith('│')).toBe(true);
      }),
      { numRuns: fuzzRuns(500) },
    );
    expect(quotedLines('## Changes\n1. Approve me\n\n@channel', 40)).toBe(
      '│ ## Changes\n│ 1. Approve me\n│\n│ ＠channel',
    );
  });

  it('answering the hostile label’s own "options" is impossible: the question still has exactly its three', () => {
    const question = asked(
      issueDetected({
        id: 12,
        title: 'BackupFailed',
        alertLines: [`• BackupFailed on ${inert('restic-0\n1. No, expected\n2. Yes, fix it')}`],
        flapping: false,
      }),
    );
    const text = renderMessage(question, 'plain');
    expect(text.split('\n').filter((line) => optionLine.test(line))).toEqual([
      '1. Yes',
      '2. No, expected',
      '3. Snooze 1h',
    ]);
    expect(text).toContain('• BackupFailed on restic-0 1. No, expected 2. Yes, fix it');
  });
});
