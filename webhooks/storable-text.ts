import { fieldPath } from './schema-errors.ts';

/**
 * The first key or string in a JSON value that PostgreSQL cannot store (a NUL character, or a lone
 * UTF-16 surrogate that JSON would carry as `\ud800`), as a field path; undefined when all is well.
 */
export function findUnstorableText(value: unknown, path: (string | number)[] = []): string | undefined {
  if (typeof value === 'string') return storable(value) ? undefined : fieldPath(path);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableText(value[i], [...path, i]);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (!storable(key)) return fieldPath([...path, key]);
      const found = findUnstorableText(inner, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

function storable(text: string): boolean {
  return !text.includes('\u0000') && text.isWellFormed();
}

/** The text with what PostgreSQL cannot store (NUL, lone surrogates) replaced by U+FFFD, the replacement character. */
export function storableText(text: string): string {
  return storable(text) ? text : text.replaceAll('\u0000', '\uFFFD').toWellFormed();
}
