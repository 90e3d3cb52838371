import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createFormShapeScanner,
  createJsonShapeScanner,
  type BodyShapeLimits,
  type ShapeViolation,
} from '../../bot/http/body-shape.ts';
import { fuzzRuns } from '../helpers/fuzz-runs.ts';
import { exceededLimits } from '../helpers/json-shape.ts';

/** The text in pieces cut anywhere, even inside a UTF-8 character, an escape or a key. */
function scan(
  text: string | Buffer,
  limits: BodyShapeLimits,
  cuts: number[] = [],
  scanner = createJsonShapeScanner(limits),
): ShapeViolation | undefined {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...points, bytes.length]) {
    const violation = scanner.push(bytes.subarray(from, to));
    if (violation) return violation;
    from = to;
  }
  return undefined;
}

const small: BodyShapeLimits = { depth: 3, elements: 12, keys: 5 };

describe('the shape of a JSON body, measured while it is read', () => {
  it('agrees with a walk of the parsed value on arbitrary JSON cut into arbitrary chunks', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.constantFrom(undefined, 1, '\t'),
        (value, cuts, indent) => {
          const text = JSON.stringify(value, null, indent);
          const violation = scan(text, small, cuts);
          const expected = exceededLimits(value, small);
          if (expected.length === 0) expect(violation).toBeUndefined();
          else expect(expected).toContain(violation);
        },
      ),
      { numRuns: fuzzRuns(2_000) },
    );
  });

  it('counts members, not bytes: containers, empty ones and whitespace', () => {
    const limits = { depth: 10, elements: 3, keys: 10 };
    expect(scan('[[], {"a": 1}]', limits)).toBeUndefined();
    expect(scan('[ [ ] , { } , [ 1 ] ]', limits)).toBe('elements');
    expect(scan('[ [ ] ,\n\t{ } ,\r\n[ ] ]', limits)).toBeUndefined();
    expect(scan('[1, 2, 3, 4]', limits)).toBe('elements');
    expect(scan('{"a":{"b":{"c":1}}}', limits)).toBeUndefined();
    expect(scan('{"a":{"b":{"c":{"d":1}}}}', limits)).toBe('elements');
  });

  it('ignores brackets, commas and quotes inside strings and keys', () => {
    const limits = { depth: 2, elements: 4, keys: 2 };
    expect(scan(JSON.stringify({ '[[[{,': '[[[[,,,,{{{', 'x"]}': ['\\"[[[', '"\\'] }), limits)).toBeUndefined();
    expect(scan('["\\\\", [[1]]]', limits)).toBe('depth');
  });

  it('counts a key once however often it recurs, and keys split across chunks as one', () => {
    const limits = { depth: 5, elements: 1_000, keys: 2 };
    const repeated = JSON.stringify(Array.from({ length: 100 }, () => ({ alertname: 'x', 'pod-ü': 'y' })));
    expect(scan(repeated, limits)).toBeUndefined();
    for (let cut = 0; cut < 40; cut++) expect(scan(repeated, limits, [cut, cut + 3])).toBeUndefined();
    expect(scan(JSON.stringify([{ a: 1 }, { b: 1 }, { c: 1 }]), limits)).toBe('keys');
    // String values are not keys.
    expect(scan(JSON.stringify({ a: ['b', 'c', 'd', 'e'] }), limits)).toBeUndefined();
  });

  it('stops at the limit without reading further, however deep the rest goes', () => {
    const limits = { depth: 64, elements: 100_000, keys: 1_000 };
    expect(scan('['.repeat(64) + ']'.repeat(64), limits)).toBeUndefined();
    const scanner = createJsonShapeScanner(limits);
    expect(scanner.push(Buffer.from('['.repeat(65)))).toBe('depth');
  });
});

describe('the shape of a form body', () => {
  it('counts its fields as keys', () => {
    const limits = { depth: 1, elements: 1, keys: 3 };
    expect(scan('a=1&b=2&c=3', limits, [2, 5], createFormShapeScanner(limits))).toBeUndefined();
    expect(scan('a=1&b=2&c=3&d=4', limits, [2, 5], createFormShapeScanner(limits))).toBe('keys');
  });
});
