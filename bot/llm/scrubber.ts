import type { Finding, Label } from './sensitive-data.ts';
import type { SensitiveDetector } from './sensitive-detector.ts';

const PLACEHOLDER = /<(?:SECRET|IP|HOST|EMAIL|PHONE|NAME)_\d+>/g;

/**
 * Replaces sensitive data with placeholders before text leaves for a cloud model. One scrubber per
 * request, so the same value is always the same placeholder (`<HOST_1>` in every message and in the
 * answer) and the model can still tell hosts apart; a host name is the same host in any case.
 *
 * Two ways back: `unmask` returns addresses to the text (they are masked, not secret: a proposal's
 * arguments must name the real host), while secrets and personal data stay placeholders. Only
 * `restore`, for the owner's own chat, puts everything back.
 */
export function createScrubber(detector: Pick<SensitiveDetector, 'find'>) {
  const byValue = new Map<string, string>();
  const byPlaceholder = new Map<string, { value: string; masked: boolean }>();
  const counters = new Map<Label, number>();

  function placeholderFor(finding: Finding): string {
    const key = `${finding.label}:${finding.label === 'HOST' ? finding.value.toLowerCase() : finding.value}`;
    const known = byValue.get(key);
    if (known) return known;
    const next = (counters.get(finding.label) ?? 0) + 1;
    counters.set(finding.label, next);
    const placeholder = `<${finding.label}_${next}>`;
    byValue.set(key, placeholder);
    byPlaceholder.set(placeholder, { value: finding.value, masked: finding.kind === 'address' });
    return placeholder;
  }

  function putBack(text: string, all: boolean): string {
    return text.replace(PLACEHOLDER, (placeholder) => {
      const entry = byPlaceholder.get(placeholder);
      return entry && (all || entry.masked) ? entry.value : placeholder;
    });
  }

  return {
    async scrub(text: string): Promise<string> {
      let out = '';
      let at = 0;
      for (const finding of await detector.find(text)) {
        // A placeholder already in the text (a model's own words sent back) stays as it is.
        if (/^<[A-Z]+_\d+>$/.test(finding.value)) continue;
        out += text.slice(at, finding.start) + placeholderFor(finding);
        at = finding.end;
      }
      return out + text.slice(at);
    },
    /** Addresses back, secrets and personal data left as placeholders: for anything but the owner's chat. */
    unmask: (text: string): string => putBack(text, false),
    /** Everything back: only for text shown to the owner in their own chat. */
    restore: (text: string): string => putBack(text, true),
    /** How many distinct values were hidden. */
    get hidden(): number {
      return byValue.size;
    },
  };
}

export type Scrubber = ReturnType<typeof createScrubber>;
