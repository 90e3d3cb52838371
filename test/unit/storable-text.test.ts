import { describe, expect, it } from 'vitest';
import { findUnstorableText, storableText } from '../../bot/db/storable-text.ts';

/** `depth` arrays inside each other around `inner`, built without recursion. */
function nestedAround(depth: number, inner: unknown): unknown {
  let value = inner;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe('text PostgreSQL cannot store', () => {
  it('names the first field in document order, key before value, with its path', () => {
    expect(findUnstorableText({ alerts: [{ labels: { ok: 'fine' } }, { labels: { pod: 'a\u0000b' } }] })).toBe(
      'alerts[1].labels.pod',
    );
    expect(findUnstorableText({ a: { 'bad\ud800': 'also\u0000bad' } })).toBe('a.bad\ud800');
    expect(findUnstorableText({ first: ['\ud800'], second: '\u0000' })).toBe('first[0]');
    expect(findUnstorableText('\u0000')).toBe('(body)');
    expect(findUnstorableText({ fine: ['a', 1, null, true, { b: 'c' }] })).toBeUndefined();
    expect(findUnstorableText({ x: '\u0000' }, ['context'])).toBe('context.x');
  });

  it('walks a value nested 200,000 levels deep without overflowing the stack', () => {
    expect(findUnstorableText(nestedAround(200_000, 'fine'))).toBeUndefined();
    expect(findUnstorableText({ deep: nestedAround(100_000, 'a\u0000') })).toBe(`deep${'[0]'.repeat(100_000)}`);
  });

  it('replaces what cannot be stored with U+FFFD', () => {
    expect(storableText('a\u0000b\ud800')).toBe('a\uFFFDb\uFFFD');
    expect(storableText('fine')).toBe('fine');
  });
});
