/**
 * A tiny reader for JSON-path-like field selectors: `alert.labels.host`, `$.items[0].name`,
 * `data["odd key"]`. Enough to pick fields out of a JSON body, nothing more: no wildcards, filters
 * or expressions (a full JSONPath library evaluates expressions, which a config file has no need
 * for). Only own properties are read, so `__proto__` and friends find nothing.
 */
export type PathPart = string | number;

const partPattern = /^(?:\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\])/;

/** The parts of a selector, or an error message saying what is wrong with it. */
export function parseFieldPath(selector: string): PathPart[] | string {
  let rest = selector.trim();
  if (rest === '$') return [];
  if (rest.startsWith('$')) rest = rest.slice(1);
  const parts: PathPart[] = [];
  while (rest.length > 0) {
    const match = partPattern.exec(rest);
    if (!match)
      return `cannot read "${rest}" (use names joined by dots, [0] for list items, ["odd key"] for other keys)`;
    if (match[1] !== undefined) parts.push(match[1]);
    else if (match[2] !== undefined) parts.push(Number(match[2]));
    else parts.push(JSON.parse(`"${match[3]!}"`) as string);
    rest = rest.slice(match[0].length);
  }
  return parts.length > 0 ? parts : 'is empty';
}

/** The value at `parts` in `value`, or undefined where the path leads nowhere. */
export function readFieldPath(value: unknown, parts: readonly PathPart[]): unknown {
  let current = value;
  for (const part of parts) {
    if (typeof part === 'number') {
      if (!Array.isArray(current) || part >= current.length) return undefined;
      current = current[part] as unknown;
      continue;
    }
    if (!current || typeof current !== 'object' || Array.isArray(current) || !Object.hasOwn(current, part))
      return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** The selector written back from its parts, as a field name for a 400 answer. */
export function formatFieldPath(parts: readonly PathPart[]): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out || '(body)';
}
