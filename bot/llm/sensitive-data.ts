/**
 * Finds what must never reach a cloud model: secrets and credentials, private addresses, e-mail
 * addresses, phone numbers, and names the owner lists. Pure; each finding is the exact span to hide.
 */
export type SensitiveKind = 'secret' | 'address' | 'email' | 'phone' | 'name';

export interface Finding {
  kind: SensitiveKind;
  start: number;
  end: number;
  value: string;
}

interface Detector {
  kind: SensitiveKind;
  pattern: RegExp;
  /** The capture group holding the sensitive part (default: the whole match). */
  group?: number;
  /** Rejects a match that only looks sensitive. */
  accept?: (value: string) => boolean;
}

const KEY_WORDS = String.raw`(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|auth[_-]?token|credentials?|session[_-]?id|cookie)`;

const detectors: Detector[] = [
  // Whole secrets with a recognisable shape.
  { kind: 'secret', pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g },
  { kind: 'secret', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  { kind: 'secret', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { kind: 'secret', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  { kind: 'secret', pattern: /\bglpat-[A-Za-z0-9_-]{20,}/g },
  { kind: 'secret', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { kind: 'secret', pattern: /\bhttps:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/g },
  { kind: 'secret', pattern: /\bhttps:\/\/(?:discord(?:app)?\.com)\/api\/webhooks\/[0-9]+\/[A-Za-z0-9_-]+/g },
  { kind: 'secret', pattern: /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}/g },
  { kind: 'secret', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'secret', pattern: /\b(?:sk|rk|pk|whsec)_(?:live|test)_[0-9a-zA-Z]{16,}\b/g },
  { kind: 'secret', pattern: /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g },
  { kind: 'secret', pattern: /\b[0-9]{8,10}:AA[A-Za-z0-9_-]{33}\b/g },
  { kind: 'secret', pattern: /\bhf_[A-Za-z0-9]{30,}\b/g },
  { kind: 'secret', pattern: /\bgl(?:sa|c)_[A-Za-z0-9_]{32,}/g },
  { kind: 'secret', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { kind: 'secret', pattern: /\btskey-[A-Za-z0-9-]{20,}/g },
  // Credentials in a URL: scheme://user:password@host keeps the host, hides user and password.
  { kind: 'secret', pattern: /\b[a-z][a-z0-9+.-]*:\/\/([^\s:@/'"<>]+:[^\s@/'"<>]+)@/gi, group: 1 },
  // Authorization headers and the like.
  { kind: 'secret', pattern: /\b(?:Bearer|Basic|Token|Digest)\s+([A-Za-z0-9._~+/=-]{12,})/g, group: 1 },
  // key = value, key: value, "key": "value", --key value, KEY=value in env files and logs.
  {
    kind: 'secret',
    pattern: new RegExp(String.raw`["']?\b[\w.-]*${KEY_WORDS}[\w.-]*["']?\s*(?:[:=]|\s-?-?>)\s*["']?([^\s"',;&}{)\]]{4,})`, 'gi'),
    group: 1,
    accept: (value) => !/^(?:<[A-Z_]+_\d+>|\*+|x+|null|none|true|false|redacted|\[redacted\]|changeme|\$\{[^}]*\}|\{\{[^}]*\}\})$/i.test(value) && !/^(?:required|optional|missing|invalid|expired|set|unset)$/i.test(value),
  },
  { kind: 'secret', pattern: new RegExp(String.raw`--${KEY_WORDS}[\w-]*[ =]([^\s"']{4,})`, 'gi'), group: 1 },
  // Kubernetes env lists: `- name: API_KEY` with its `value:` on the next line.
  { kind: 'secret', pattern: new RegExp(String.raw`name:\s*["']?[\w.-]*${KEY_WORDS}[\w.-]*["']?\s*\n\s*value:\s*["']?([^\s"']{4,})`, 'gi'), group: 1 },
  // Private addresses.
  { kind: 'address', pattern: /\b(?:10(?:\.\d{1,3}){3}|192\.168(?:\.\d{1,3}){2}|172\.(?:1[6-9]|2\d|3[01])(?:\.\d{1,3}){2}|100\.(?:6[4-9]|[7-9]\d|1[01]\d|12[0-7])(?:\.\d{1,3}){2}|169\.254(?:\.\d{1,3}){2})\b/g, accept: validIPv4 },
  { kind: 'address', pattern: /(?<![\w:])(?:f[cd][0-9a-f]{2}|fe80):[0-9a-f:]{2,}(?:%\w+)?/gi },
  { kind: 'address', pattern: /\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.(?:home\.arpa|lan|local|internal|intranet|localdomain|home|corp)\b/gi },
  { kind: 'address', pattern: /\b(?:[a-z0-9-]+\.)*fritz\.box\b/gi },
  { kind: 'email', pattern: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g },
  // Phone numbers: international (+49 151 1234 5678) or North American ((555) 123-4567).
  { kind: 'phone', pattern: /(?<![\w+])\+[1-9]\d{0,3}(?:[ .-]?\(?\d{1,5}\)?){2,5}(?!\w)/g, accept: (value) => digitCount(value) >= 8 && digitCount(value) <= 15 },
  { kind: 'phone', pattern: /(?<!\w)\(\d{3}\)\s?\d{3}[-.\s]\d{4}(?!\w)/g },
];

/** Every sensitive span in `text`, without overlaps (the earliest, then the longest, wins). */
export function findSensitive(text: string, names: readonly string[] = []): Finding[] {
  const found: Finding[] = [];
  for (const detector of [...detectors, ...nameDetectors(names)]) {
    for (const match of text.matchAll(detector.pattern)) {
      const value = detector.group === undefined ? match[0] : match[detector.group];
      if (!value || (detector.accept && !detector.accept(value))) continue;
      const offset = detector.group === undefined ? 0 : match[0].indexOf(value);
      const start = match.index + Math.max(0, offset);
      found.push({ kind: detector.kind, start, end: start + value.length, value });
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Finding[] = [];
  for (const finding of found) {
    const last = kept.at(-1);
    if (last && finding.start < last.end) continue;
    kept.push(finding);
  }
  return kept;
}

export function isSensitive(text: string, names: readonly string[] = []): boolean {
  return findSensitive(text, names).length > 0;
}

function nameDetectors(names: readonly string[]): Detector[] {
  const cleaned = names.map((name) => name.trim()).filter((name) => name.length >= 2);
  if (cleaned.length === 0) return [];
  const alternatives = cleaned.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return [{ kind: 'name', pattern: new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])`, 'giu') }];
}

function validIPv4(value: string): boolean {
  return value.split('.').every((part) => Number(part) <= 255);
}

function digitCount(value: string): number {
  return value.replace(/\D/g, '').length;
}
