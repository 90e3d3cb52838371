import { findSensitive, mergeFindings, type Finding, type SensitiveKind } from './sensitive-data.ts';
import { createSecretlint } from './secretlint-findings.ts';

/**
 * The detector the gateway uses on everything a request gathers: Steward's rules (sensitive-data.ts)
 * and secretlint's, merged. One per gateway; the names are the owner's `routing.sensitiveNames`.
 */
export function createSensitiveDetector(names: readonly string[] = []) {
  const secretlint = createSecretlint();
  return {
    async find(text: string): Promise<Finding[]> {
      const own = findSensitive(text, names);
      // Where a library finding wraps a secret of Steward's own, the narrower span is kept: a whole
      // connection URL would hide its host, which the model may see.
      const library = (await secretlint.find(text)).filter(
        (wide) =>
          !own.some((narrow) => narrow.kind === 'secret' && wide.start <= narrow.start && wide.end >= narrow.end),
      );
      return library.length === 0 ? own : mergeFindings(text, [...own, ...library]);
    },
    async kinds(text: string): Promise<SensitiveKind[]> {
      return [...new Set((await this.find(text)).map((finding) => finding.kind))];
    },
  };
}

export type SensitiveDetector = ReturnType<typeof createSensitiveDetector>;
