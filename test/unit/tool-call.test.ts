import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actionDigest, describeCall, describeCalls, type ToolCall } from '../../graphs/tool-call.ts';
import { fuzzRuns } from '../helpers/fuzz-runs.ts';

/** Reads a call back from its description, as a person reading it would: the test of "what is read is what runs". */
function readBack(text: string): ToolCall {
  const [tool, ...pairs] = text.split(' · ');
  const value = (raw: string): unknown => {
    try {
      return JSON.parse(raw);
    } catch {
      return raw; // a bare word
    }
  };
  const args: Record<string, unknown> = {};
  for (const pair of pairs) {
    // A quoted key ends at its closing quote; a bare key at the first `=`.
    const keyEnd = pair.startsWith('"') ? endOfJsonString(pair) + 1 : pair.indexOf('=');
    const key = value(pair.slice(0, keyEnd));
    // defineProperty, not assignment: a key named `__proto__` is a key like any other here.
    Object.defineProperty(args, String(key), {
      value: value(pair.slice(keyEnd + 1)),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { tool: String(value(tool!)), arguments: args };
}

function endOfJsonString(text: string): number {
  for (let at = 1; at < text.length; at++) {
    if (text[at] === '\\') at++;
    else if (text[at] === '"') return at;
  }
  throw new Error(`unterminated string in ${text}`);
}

const normal = (call: ToolCall) => JSON.parse(JSON.stringify(call)) as ToolCall;

describe('a tool call in plain words', () => {
  it('shows the tool and every argument, bare where a word cannot be misread, sorted by name', () => {
    expect(describeCall({ tool: 'kubectl_rollout_restart', arguments: { namespace: 'prod', name: 'postgres' } })).toBe(
      'kubectl_rollout_restart · name=postgres · namespace=prod',
    );
    expect(
      describeCall({ tool: 'scale', arguments: { replicas: 2, label: '2', dry: false, flag: 'false', memory: '2Gi' } }),
    ).toBe('scale · dry=false · flag="false" · label="2" · memory="2Gi" · replicas=2');
    expect(
      describeCall({
        tool: 'run',
        arguments: { command: 'rm -rf /\n1. Yes', who: '@channel', glob: '*.log', path: ['a', { b: 1 }] },
      }),
    ).toBe('run · command="rm -rf /\\n1. Yes" · glob="*.log" · path=["a",{"b":1}] · who="\\u0040channel"');
    expect(
      describeCalls([
        { tool: 'a', arguments: {} },
        { tool: 'b', arguments: { x: 1 } },
      ]),
    ).toBe('a → b · x=1');
  });

  it('escapes what a person could not see or could misread: bidi overrides, zero-width and look-alike letters', () => {
    // "postgres" with a Cyrillic о, and a right-to-left override that would reorder what follows.
    const text = describeCall({ tool: 'restart', arguments: { name: 'p\u043estgres', note: 'a\u202eb\u200bc' } });
    expect(text).toBe('restart · name="p\\u043estgres" · note="a\\u202eb\\u200bc"');
    expect(text).toMatch(/^[\x20-\x7e·→]*$/);
  });

  it('reads back as exactly the call it describes, for any arguments (fast-check)', () => {
    const key = fc.oneof(fc.string(), fc.constantFrom('name', 'namespace', 'a b', '=', ' · ', '"'));
    fc.assert(
      fc.property(
        fc.constantFrom('restart_pod', 'k8s.scale', 'wipe disk', '2'),
        fc.dictionary(key, fc.jsonValue()),
        (tool, args) => {
          const call = normal({ tool, arguments: args });
          const text = describeCall(call);
          expect(text).not.toMatch(/[\n\r\u2028\u2029]/);
          expect(readBack(text)).toEqual(call);
        },
      ),
      { numRuns: fuzzRuns(300) },
    );
  });

  it('digests the calls canonically: key order does not matter, any value does', () => {
    expect(actionDigest([{ tool: 't', arguments: { a: 1, b: 2 } }])).toBe(
      actionDigest([{ tool: 't', arguments: { b: 2, a: 1 } }]),
    );
    expect(actionDigest([{ tool: 't', arguments: { a: 1 } }])).not.toBe(
      actionDigest([{ tool: 't', arguments: { a: '1' } }]),
    );
    expect(
      actionDigest([
        { tool: 't', arguments: {} },
        { tool: 'u', arguments: {} },
      ]),
    ).not.toBe(
      actionDigest([
        { tool: 'u', arguments: {} },
        { tool: 't', arguments: {} },
      ]),
    );
    expect(actionDigest([{ tool: 't', arguments: {} }])).toMatch(/^[0-9a-f]{64}$/);
  });
});
