import { describe, expect, it } from 'vitest';
import { answerFor } from '../../bot/chat/answer-for.ts';

const solutions = {
  options: [
    { number: 1, label: 'Increase memory 1GB → 2GB' },
    { number: 2, label: 'Restart radarr' },
  ],
  defaultOption: 1,
};
const noDefault = { ...solutions, defaultOption: undefined };
const nextTime = {
  options: [
    { number: 1, label: 'Auto' },
    { number: 2, label: 'Ask' },
    { number: 3, label: 'Investigate' },
  ],
  defaultOption: undefined,
};

describe('what a reply answers', () => {
  it.each([
    [
      'a number',
      { kind: 'choose', option: 2 } as const,
      solutions,
      { kind: 'option', option: 2, label: 'Restart radarr' },
    ],
    [
      'approve, as the default option',
      { kind: 'approve' } as const,
      solutions,
      { kind: 'option', option: 1, label: 'Increase memory 1GB → 2GB' },
    ],
    ['ignore', { kind: 'ignore' } as const, noDefault, { kind: 'ignore' }],
    [
      'snooze',
      { kind: 'snooze', durationMs: 7_200_000 } as const,
      noDefault,
      { kind: 'snooze', durationMs: 7_200_000 },
    ],
    [
      'custom',
      { kind: 'custom', instruction: 'scale to 2 replicas' } as const,
      noDefault,
      { kind: 'custom', instruction: 'scale to 2 replicas' },
    ],
    [
      'auto, on a "Next time?" question',
      { kind: 'autonomy', answer: 'auto' } as const,
      nextTime,
      { kind: 'option', option: 1, label: 'Auto' },
    ],
    [
      'investigate, on a "Next time?" question',
      { kind: 'autonomy', answer: 'investigate' } as const,
      nextTime,
      { kind: 'option', option: 3, label: 'Investigate' },
    ],
  ])('takes %s', (_name, reply, question, answer) => {
    expect(answerFor(reply, question)).toEqual({ ok: true, answer });
  });

  it.each([
    [
      'an option that does not exist',
      { kind: 'choose', option: 3 } as const,
      solutions,
      'There is no option 3 (options: 1–2).',
    ],
    [
      'approve without a default',
      { kind: 'approve' } as const,
      noDefault,
      'Approve which one? Reply with the number of an option (1–2).',
    ],
    [
      'auto on a question about fixes',
      { kind: 'autonomy', answer: 'auto' } as const,
      solutions,
      '"auto" is an answer to "Next time?" questions; this one asks for 1–2.',
    ],
  ])('refuses %s, saying why', (_name, reply, question, problem) => {
    expect(answerFor(reply, question)).toEqual({ ok: false, problem });
  });

  it('takes a 👍 only where the question has one default action', () => {
    expect(answerFor({ kind: 'approve' }, solutions, true)).toMatchObject({ ok: true, answer: { option: 1 } });
    expect(answerFor({ kind: 'approve' }, noDefault, true)).toEqual({
      ok: false,
      problem: '👍 only approves a question with one default action; reply with the number of an option.',
    });
  });
});
