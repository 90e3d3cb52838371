import { findSensitive, type SensitiveKind } from './sensitive-data.ts';

const labels: Record<SensitiveKind, string> = { secret: 'SECRET', address: 'IP', email: 'EMAIL', phone: 'PHONE', name: 'NAME' };

/**
 * Replaces sensitive data with stable placeholders before text leaves for a cloud model, and puts
 * it back into the answer. One scrubber per request: the same value always becomes the same
 * placeholder (`<IP_1>` in the question and in the answer), so the model can still reason about it.
 */
export function createScrubber(names: readonly string[] = []) {
  const byValue = new Map<string, string>();
  const byPlaceholder = new Map<string, string>();
  const counters = new Map<string, number>();

  function placeholderFor(kind: SensitiveKind, value: string): string {
    const known = byValue.get(value);
    if (known) return known;
    const label = labels[kind];
    const next = (counters.get(label) ?? 0) + 1;
    counters.set(label, next);
    const placeholder = `<${label}_${next}>`;
    byValue.set(value, placeholder);
    byPlaceholder.set(placeholder, value);
    return placeholder;
  }

  return {
    scrub(text: string): string {
      let out = '';
      let at = 0;
      for (const finding of findSensitive(text, names)) {
        out += text.slice(at, finding.start) + placeholderFor(finding.kind, finding.value);
        at = finding.end;
      }
      return out + text.slice(at);
    },
    restore(text: string): string {
      return text.replace(/<(?:SECRET|IP|EMAIL|PHONE|NAME)_\d+>/g, (placeholder) => byPlaceholder.get(placeholder) ?? placeholder);
    },
    /** How many distinct values were hidden. */
    get hidden(): number {
      return byValue.size;
    },
  };
}

export type Scrubber = ReturnType<typeof createScrubber>;
