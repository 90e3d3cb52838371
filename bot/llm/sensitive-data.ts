import {
  base64Candidate,
  entropyRule,
  notASecret,
  patternRules,
  publicBlock,
  referenceName,
  type Label,
  type PatternRule,
  type SensitiveKind,
} from './secret-rules.ts';

export type { Label, SensitiveKind } from './secret-rules.ts';

/**
 * Finds what must never reach a cloud model as it is: secrets and credentials (Steward's rules in
 * secret-rules.ts, base64 decoded and searched again, and an entropy check for long random tokens),
 * private addresses, e-mail addresses, phone numbers, and names the owner lists. Pure and synchronous;
 * each finding is the exact span to hide. sensitive-detector.ts adds a library's findings to these.
 */
export interface Finding {
  kind: SensitiveKind;
  label: Label;
  start: number;
  end: number;
  value: string;
}

/** Kinds in order of precedence when two findings overlap: the merged span takes the first. */
const precedence: readonly SensitiveKind[] = ['secret', 'name', 'email', 'phone', 'address'];
/** Base64 inside base64 (a docker config's `auth`) is followed this deep. */
const MAX_DECODE_DEPTH = 2;
/** Shorter values are not worth hiding (and are mostly words or numbers). */
const MIN_VALUE_LENGTH = 4;

/** Every sensitive span in `text`; overlapping findings are merged into one. */
export function findSensitive(text: string, names: readonly string[] = []): Finding[] {
  return mergeFindings(text, rawFindings(text, names, 0));
}

/**
 * `text` with every secret the detector finds (tokens, passwords, keys) replaced by `‹secret›`: for
 * text that leaves Steward other than through the gateway (findings, answers to MCP clients).
 */
export function maskSecrets(text: string): string {
  let out = '';
  let at = 0;
  for (const finding of findSensitive(text)) {
    if (finding.kind !== 'secret' || finding.start < at) continue;
    out += `${text.slice(at, finding.start)}‹secret›`;
    at = finding.end;
  }
  return out + text.slice(at);
}

export function isSensitive(text: string, names: readonly string[] = []): boolean {
  return findSensitive(text, names).length > 0;
}

/** Sorts findings and merges overlapping ones (the merged span keeps the kind that matters most). */
export function mergeFindings(text: string, findings: readonly Omit<Finding, 'value'>[]): Finding[] {
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Omit<Finding, 'value'>[] = [];
  for (const finding of sorted) {
    const last = merged.at(-1);
    if (last && finding.start < last.end) {
      last.end = Math.max(last.end, finding.end);
      if (precedence.indexOf(finding.kind) < precedence.indexOf(last.kind))
        Object.assign(last, { kind: finding.kind, label: finding.label });
      continue;
    }
    merged.push({ ...finding });
  }
  return merged.map((finding) => ({ ...finding, value: text.slice(finding.start, finding.end) }));
}

function rawFindings(text: string, names: readonly string[], depth: number): Omit<Finding, 'value'>[] {
  const found: Omit<Finding, 'value'>[] = [];
  for (const rule of patternRules) {
    if (rule.decodedOnly && depth === 0) continue;
    found.push(...ruleFindings(rule, text));
  }
  found.push(...nameFindings(text, names));
  found.push(...decodedFindings(text, names, depth));
  found.push(...entropyFindings(text, found));
  return found;
}

function ruleFindings(rule: PatternRule, text: string): Omit<Finding, 'value'>[] {
  const found: Omit<Finding, 'value'>[] = [];
  for (const match of text.matchAll(rule.pattern)) {
    const span = match.indices?.groups?.value ?? match.indices?.[0];
    if (!span) continue;
    const value = text.slice(span[0], span[1]);
    if (value.length < MIN_VALUE_LENGTH || notASecret.test(value)) continue;
    if (match.groups?.name && referenceName.test(match.groups.name)) continue;
    if (rule.password && !looksLikePassword(value)) continue;
    found.push({ kind: rule.kind, label: rule.label, start: span[0], end: span[1] });
  }
  return found;
}

/** A value in free text that is a password rather than a word: long enough, with a digit, a symbol or mixed case. */
function looksLikePassword(value: string): boolean {
  if (value.length < 6) return false;
  return /\d/.test(value) || /[^\p{L}\p{N}]/u.test(value) || (/\p{Ll}/u.test(value) && /\p{Lu}/u.test(value.slice(1)));
}

function nameFindings(text: string, names: readonly string[]): Omit<Finding, 'value'>[] {
  const cleaned = names.map((name) => name.trim()).filter((name) => name.length >= 2);
  if (cleaned.length === 0) return [];
  const alternatives = cleaned.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])`, 'giu');
  return [...text.matchAll(pattern)].map((match) => ({
    kind: 'name' as const,
    label: 'NAME' as const,
    start: match.index,
    end: match.index + match[0].length,
  }));
}

/** Base64 that decodes to text holding a secret is itself the secret (a Kubernetes Secret's `tls.key`, `.dockerconfigjson`). */
function decodedFindings(text: string, names: readonly string[], depth: number): Omit<Finding, 'value'>[] {
  if (depth >= MAX_DECODE_DEPTH) return [];
  const found: Omit<Finding, 'value'>[] = [];
  for (const match of text.matchAll(base64Candidate)) {
    const decoded = decodeText(match[0]);
    if (decoded === undefined) continue;
    if (rawFindings(decoded, names, depth + 1).some((finding) => finding.kind === 'secret')) {
      found.push({ kind: 'secret', label: 'SECRET', start: match.index, end: match.index + match[0].length });
    }
  }
  return found;
}

/** The text a base64 string stands for, or undefined when it decodes to bytes that are not text. */
export function decodeText(candidate: string): string | undefined {
  if (candidate.replace(/=+$/, '').length % 4 === 1) return undefined;
  const decoded = Buffer.from(candidate, 'base64').toString('utf8');
  if (decoded.length < 4) return undefined;
  let printable = 0;
  for (const char of decoded) if (/[\p{L}\p{N}\p{P}\p{S}\p{Zs}\t\n\r]/u.test(char) && char !== '\uFFFD') printable += 1;
  return printable / [...decoded].length >= 0.95 ? decoded : undefined;
}

/**
 * Long tokens of random-looking characters that no rule named: an AWS secret key on its own, a
 * WireGuard key from `wg genkey`. Public material is left alone: certificates and public keys,
 * checksums and fingerprints by what precedes them, base64 that decodes to plain text, and tokens
 * made mostly of words (paths, product names).
 */
function entropyFindings(text: string, already: readonly Omit<Finding, 'value'>[]): Omit<Finding, 'value'>[] {
  const publicSpans = [...text.matchAll(publicBlock)].map(
    (match) => [match.index, match.index + match[0].length] as const,
  );
  const found: Omit<Finding, 'value'>[] = [];
  for (const match of text.matchAll(entropyRule.token)) {
    const token = match[0];
    const start = match.index;
    const end = start + token.length;
    if (token.length > entropyRule.maxLength) continue;
    if (!/[a-z]/.test(token) || !/[A-Z]/.test(token) || !/\d/.test(token)) continue;
    if (already.some((finding) => finding.start <= start && finding.end >= end)) continue;
    if (publicSpans.some(([from, to]) => from <= start && to >= end)) continue;
    // What precedes the token, and its own path up to the last slash (`/.well-known/acme-challenge/…`).
    const before = text.slice(Math.max(0, start - 40), start);
    if (
      entropyRule.exemptPrefix.test(token) ||
      entropyRule.exemptAfter.test(before) ||
      entropyRule.exemptAfter.test(before + token.slice(0, token.lastIndexOf('/') + 1))
    )
      continue;
    if (caseShare(token, /[a-z]/g) < entropyRule.minCaseShare || caseShare(token, /[A-Z]/g) < entropyRule.minCaseShare)
      continue;
    if (mostlyWords(token) || decodeText(token) !== undefined) continue;
    const bits = shannonBits(token);
    if (bits < entropyRule.minBits || bits / Math.log2(Math.min(token.length, 64)) < entropyRule.minShare) continue;
    found.push({ kind: 'secret', label: 'SECRET', start, end });
  }
  return found;
}

function caseShare(token: string, letters: RegExp): number {
  return (token.match(letters)?.length ?? 0) / token.length;
}

function mostlyWords(token: string): boolean {
  const parts = token.split(/[-_/+.=]/).filter(Boolean);
  const letters = (part: string) => part.replace(/[^A-Za-z]/g, '').length;
  const total = parts.reduce((sum, part) => sum + letters(part), 0);
  const inWords = parts.filter((part) => entropyRule.word.test(part)).reduce((sum, part) => sum + letters(part), 0);
  return parts.length > 1 && total > 0 && inWords / total >= entropyRule.maxWordShare;
}

export function shannonBits(token: string): number {
  const counts = new Map<string, number>();
  for (const char of token) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / token.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
