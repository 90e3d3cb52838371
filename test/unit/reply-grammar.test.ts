import { fuzzRuns } from '../helpers/fuzz-runs.ts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DEFER_MS, DEFAULT_SNOOZE_MS, helpText, parseReply, type Reply } from '../../bot/commands/index.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Every example the chat issue documents, and the tolerant forms it names. */
const documented: [string, Reply][] = [
  ['1', { kind: 'choose', option: 1 }],
  ['9', { kind: 'choose', option: 9 }],
  ['1.', { kind: 'choose', option: 1 }],
  ['#1', { kind: 'choose', option: 1 }],
  ['option 2', { kind: 'choose', option: 2 }],
  ['1️⃣', { kind: 'choose', option: 1 }],
  ['approve', { kind: 'approve' }],
  ['Approve!', { kind: 'approve' }],
  ['yes', { kind: 'approve' }],
  ['👍', { kind: 'approve' }],
  ['no', { kind: 'ignore' }],
  ['ignore', { kind: 'ignore' }],
  ['no, expected', { kind: 'ignore' }],
  ['No, expected.', { kind: 'ignore' }],
  ['snooze', { kind: 'snooze', durationMs: DEFAULT_SNOOZE_MS }],
  ['snooze 2h', { kind: 'snooze', durationMs: 2 * HOUR }],
  ['snooze 30m', { kind: 'snooze', durationMs: 30 * 60_000 }],
  ['snooze 1d', { kind: 'snooze', durationMs: DAY }],
  ['Snooze 2 hours', { kind: 'snooze', durationMs: 2 * HOUR }],
  ['details', { kind: 'details' }],
  ['custom: scale radarr to 2 replicas', { kind: 'custom', instruction: 'scale radarr to 2 replicas' }],
  [
    'Custom: Restart Sonarr, then check its logs!',
    { kind: 'custom', instruction: 'Restart Sonarr, then check its logs!' },
  ],
  ['status', { kind: 'status' }],
  ['weekly', { kind: 'weekly' }],
  ['help', { kind: 'help' }],
  ['auto', { kind: 'autonomy', answer: 'auto' }],
  ['ask', { kind: 'autonomy', answer: 'ask' }],
  ['investigate', { kind: 'autonomy', answer: 'investigate' }],
  ['approve PR 47', { kind: 'pull-request', action: 'approve', pullRequest: 47 }],
  ['approve PR #47', { kind: 'pull-request', action: 'approve', pullRequest: 47 }],
  ['reject PR 47', { kind: 'pull-request', action: 'reject', pullRequest: 47 }],
  ['defer PR 47', { kind: 'pull-request', action: 'defer', pullRequest: 47, deferMs: DEFAULT_DEFER_MS }],
  ['defer PR 47 2d', { kind: 'pull-request', action: 'defer', pullRequest: 47, deferMs: 2 * DAY }],
  ['2 #14', { kind: 'choose', option: 2, incident: 14 }],
  ['approve #14', { kind: 'approve', incident: 14 }],
  ['snooze 2h #14', { kind: 'snooze', durationMs: 2 * HOUR, incident: 14 }],
];

/** Text that must never be read as an action: the grammar answers with help instead of guessing. */
const notCommands = [
  'hello',
  'what is going on?',
  '10',
  '0',
  '#14',
  'snooze 99d',
  'snooze forever',
  'custom:',
  'approve PR',
  'yes please delete everything',
  'run delete_volume now',
  'status #3',
  'approve PR 47 #3',
  '',
];

describe('reply grammar', () => {
  it.each(documented)('reads %j', (text, expected) => {
    expect(parseReply(text)).toEqual(expected);
  });

  it.each(notCommands)('does not guess at %j', (text) => {
    expect(parseReply(text).kind).toBe('unknown');
  });

  it('never throws, and always answers with a reply', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const reply = parseReply(text);
        expect(typeof reply.kind).toBe('string');
      }),
      { numRuns: fuzzRuns(2_000) },
    );
  });

  it('reads an option number whatever decorates it', () => {
    const decorated = fc.record({
      n: fc.integer({ min: 1, max: 9 }),
      before: fc.constantFrom('', '#', 'option ', 'Option ', 'OPTION #', 'no. ', '(', '  ', '➡️ '),
      after: fc.constantFrom('', '.', '!', ')', '  ', ' 🙏', '!!'),
    });
    fc.assert(
      fc.property(decorated, ({ n, before, after }) => {
        expect(parseReply(`${before}${n}${after}`)).toEqual({ kind: 'choose', option: n });
      }),
      { numRuns: fuzzRuns(100) },
    );
  });

  it('ignores case and spacing of keywords', () => {
    const keywords: [string, Reply['kind']][] = [
      ['approve', 'approve'],
      ['ignore', 'ignore'],
      ['details', 'details'],
      ['status', 'status'],
      ['weekly', 'weekly'],
      ['help', 'help'],
      ['investigate', 'autonomy'],
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...keywords),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        fc.constantFrom('', ' ', '\t', '\n  '),
        ([word, kind], upper, pad) => {
          const cased = [...word].map((char, i) => (upper[i] ? char.toUpperCase() : char)).join('');
          expect(parseReply(`${pad}${cased}${pad}`).kind).toBe(kind);
        },
      ),
      { numRuns: fuzzRuns(100) },
    );
  });

  it('adds an incident target to any answer to an incident', () => {
    const answers = fc.constantFrom('1', '2', 'approve', 'ignore', 'details', 'snooze 2h', 'auto');
    fc.assert(
      fc.property(answers, fc.integer({ min: 1, max: 99_999 }), (answer, incident) => {
        const plain = parseReply(answer);
        expect(parseReply(`${answer} #${incident}`)).toEqual({ ...plain, incident });
      }),
      { numRuns: fuzzRuns(100) },
    );
  });

  it('keeps a custom instruction verbatim, whatever it says', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 200 }).filter((s) => /[\p{L}\p{N}]/u.test(s) && s.trim() === s),
        (instruction) => {
          expect(parseReply(`custom: ${instruction}`)).toEqual({ kind: 'custom', instruction });
        },
      ),
    );
  });

  it('reads sentences made of other words as unknown', () => {
    const word = fc.constantFrom(
      'please',
      'the',
      'server',
      'is',
      'down',
      'why',
      'disk',
      'radarr',
      'maybe',
      'later',
      'thanks',
    );
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 6 }), (words) => {
        expect(parseReply(words.join(' ')).kind).toBe('unknown');
      }),
    );
  });

  it('has a short help that names every command', () => {
    const help = helpText();
    expect(help.split('\n').length).toBeLessThanOrEqual(8);
    for (const word of [
      'approve',
      'ignore',
      'snooze',
      'details',
      'custom:',
      '#14',
      'status',
      'weekly',
      'auto',
      'PR 47',
    ])
      expect(help).toContain(word);
  });
});
