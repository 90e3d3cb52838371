import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OutgoingQuestion } from '../../graphs/chat-port.ts';
import { renderMessage, splitMessage } from '../../graphs/render-message.ts';

const question: OutgoingQuestion = {
  kind: 'question',
  questionId: 'q1',
  title: '📋 Solutions found',
  body: 'radarr-0 uses 95% of its memory limit.',
  options: [
    { number: 1, label: 'Increase memory 1GB → 2GB', impact: '30s restart', risk: 'low', reversible: true },
    { number: 2, label: 'Delete the import cache', risk: 'high', reversible: false },
  ],
  replyHint: 'Reply: 1, 2, ignore, or custom: …',
};

describe('rendering messages', () => {
  it('numbers options with impact and risk, and ends with how to answer', () => {
    expect(renderMessage(question, 'plain')).toBe(
      [
        '📋 Solutions found',
        '',
        'radarr-0 uses 95% of its memory limit.',
        '',
        '1. Increase memory 1GB → 2GB (30s restart, 🟢 low risk)',
        '2. Delete the import cache (🔴 high risk, not reversible)',
        '',
        'Reply: 1, 2, ignore, or custom: …',
      ].join('\n'),
    );
  });

  it('uses bold for the title and numbers in styled text and Markdown', () => {
    for (const style of ['signal-styled', 'markdown'] as const) {
      const text = renderMessage(question, style);
      expect(text.startsWith('**📋 Solutions found**')).toBe(true);
      expect(text).toContain('**1.** Increase memory');
    }
  });

  it('splits long text at paragraph and line breaks, never losing a word, within the limit', () => {
    const word = fc.stringMatching(/^[a-z]{1,12}$/);
    const line = fc.array(word, { minLength: 1, maxLength: 12 }).map((words) => words.join(' '));
    const text = fc.array(line, { minLength: 1, maxLength: 80 }).map((lines) => lines.join('\n'));
    fc.assert(
      fc.property(text, fc.integer({ min: 60, max: 400 }), (input, limit) => {
        const parts = splitMessage(input, limit);
        for (const part of parts) expect(part.length).toBeLessThanOrEqual(limit);
        const rejoined = parts.map((part) => part.replace(/^\(\d+\/\d+\) /, '')).join(' ');
        expect(rejoined.split(/\s+/)).toEqual(input.split(/\s+/));
      }),
    );
  });

  it('leaves a short message whole', () => {
    expect(splitMessage('hello', 100)).toEqual(['hello']);
  });
});
