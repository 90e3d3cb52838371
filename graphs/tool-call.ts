import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** One MCP tool call: what runs when an option is chosen. */
export interface ToolCall {
  tool: string;
  arguments: Record<string, unknown>;
}

/** Longest call description an option may carry: a call too long to read on a phone is not offered. */
export const MAX_CALL_TEXT = 600;

/**
 * A call in plain words, exactly: `kubectl_rollout_restart · name=postgres · namespace=prod`. Simple
 * values are shown as they are; anything else as JSON with every character outside printable ASCII
 * (and `@`, `<`, `>`, so nothing can mention anyone) escaped, so that what is read is what runs:
 * no line break, no look-alike letter, no reordered text. Keys are sorted as the digest sorts them.
 */
export function describeCall(call: ToolCall): string {
  const keys = Object.keys(call.arguments).sort();
  return [showValue(call.tool), ...keys.map((key) => `${showKey(key)}=${showValue(call.arguments[key])}`)].join(' · ');
}

/** Several calls, in the order they run. */
export function describeCalls(calls: readonly ToolCall[]): string {
  return calls.map(describeCall).join(' → ');
}

/**
 * The digest of calls as the owner was shown them: SHA-256 of their RFC 8785 canonical JSON. The
 * decision stores it; the runner refuses to run calls whose digest differs.
 */
export function actionDigest(calls: readonly ToolCall[]): string {
  const canonical = canonicalize(calls.map((call) => ({ tool: call.tool, arguments: call.arguments })));
  if (canonical === undefined) throw new Error('tool calls cannot be put in canonical form');
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Shown bare: a word that cannot be read as anything else. It starts with a letter (so `2` is the
 * number and `"2"` the string) and is not `true`, `false` or `null`.
 */
function simple(text: string): boolean {
  return /^[A-Za-z][A-Za-z0-9._:/+-]*$/.test(text) && !['true', 'false', 'null'].includes(text);
}

function showKey(key: string): string {
  return simple(key) ? key : escaped(JSON.stringify(key));
}

function showValue(value: unknown): string {
  if (typeof value === 'string' && simple(value)) return value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return escaped(JSON.stringify(sortedKeys(value)) ?? 'undefined');
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]),
    );
  return value;
}

/** JSON text with everything but printable ASCII, and the characters chat platforms act on, as \u escapes. */
function escaped(json: string): string {
  return json.replace(
    /[^\x20-\x7e]|[@<>]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
