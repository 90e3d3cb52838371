import { fieldPath } from '../../webhooks/schema-errors.ts';

/** A value still to look at, and how it was reached (its key in its parent), for the field path. */
interface Visit {
  value: unknown;
  key: string | number | undefined;
  parent: Visit | undefined;
}

/**
 * The first key or string in a JSON value that PostgreSQL cannot store (a NUL character, or a lone
 * UTF-16 surrogate that JSON would carry as `\ud800`), as a field path; undefined when all is well.
 * A loop over an explicit stack, in document order: however deep the value, it never recurses, and a
 * path is only built for the one field it reports.
 */
export function findUnstorableText(value: unknown, path: (string | number)[] = []): string | undefined {
  const pending: Visit[] = [{ value, key: undefined, parent: undefined }];
  for (let visit = pending.pop(); visit; visit = pending.pop()) {
    if (typeof visit.key === 'string' && !storable(visit.key)) return fieldPath([...path, ...pathTo(visit)]);
    const current = visit.value;
    if (typeof current === 'string') {
      if (!storable(current)) return fieldPath([...path, ...pathTo(visit)]);
      continue;
    }
    if (!current || typeof current !== 'object') continue;
    // Pushed last to first, so that they come off the stack first to last.
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) pending.push({ value: current[i], key: i, parent: visit });
    } else {
      const entries = Object.entries(current);
      for (let i = entries.length - 1; i >= 0; i--)
        pending.push({ value: entries[i]![1], key: entries[i]![0], parent: visit });
    }
  }
  return undefined;
}

function pathTo(visit: Visit): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) keys.push(at.key);
  return keys.reverse();
}

function storable(text: string): boolean {
  return !text.includes('\u0000') && text.isWellFormed();
}

/** The text with what PostgreSQL cannot store (NUL, lone surrogates) replaced by U+FFFD, the replacement character. */
export function storableText(text: string): string {
  return storable(text) ? text : text.replaceAll('\u0000', '\uFFFD').toWellFormed();
}
