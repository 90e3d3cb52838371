import { describe, expect, it } from 'vitest';
import { patternRules } from '../../bot/llm/secret-rules.ts';
import { findSensitive, type Finding } from '../../bot/llm/sensitive-data.ts';
import { createSecretlint } from '../../bot/llm/secretlint-findings.ts';
import { createSensitiveDetector } from '../../bot/llm/sensitive-detector.ts';
import { cleanCorpus } from '../privacy/clean-corpus.ts';
import { corpus as routingCorpus } from '../privacy/corpus.ts';
import { secretCorpus, type SecretShape } from '../privacy/secret-corpus.ts';

type Spans = (text: string) => Promise<Pick<Finding, 'kind' | 'start' | 'end'>[]>;

/** Every occurrence of `value` in `text` lies inside the union of the secret spans. */
function covered(text: string, value: string, spans: readonly { start: number; end: number }[]): boolean {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let from = 0;
  let seen = false;
  for (;;) {
    const at = text.indexOf(value, from);
    if (at < 0) return seen;
    seen = true;
    let reached = at;
    for (const span of sorted) if (span.start <= reached && span.end > reached) reached = span.end;
    if (reached < at + value.length) return false;
    from = at + 1;
  }
}

async function measure(find: Spans) {
  const byShape = new Map<SecretShape, { caught: number; total: number }>();
  const missed: string[] = [];
  let values = 0;
  let valuesCaught = 0;
  for (const entry of secretCorpus) {
    const secrets = (await find(entry.text)).filter((finding) => finding.kind === 'secret');
    const each = entry.secrets.map((secret) => covered(entry.text, secret, secrets));
    values += each.length;
    valuesCaught += each.filter(Boolean).length;
    const shape = byShape.get(entry.shape) ?? { caught: 0, total: 0 };
    shape.total += 1;
    if (each.every(Boolean)) shape.caught += 1;
    else missed.push(`${entry.shape}: ${entry.text.slice(0, 80)}`);
    byShape.set(entry.shape, shape);
  }
  const falsePositives: string[] = [];
  for (const entry of cleanCorpus) {
    const secrets = (await find(entry.text)).filter((finding) => finding.kind === 'secret');
    if (secrets.length > 0)
      falsePositives.push(
        `${entry.source}: ${secrets.map((finding) => entry.text.slice(finding.start, finding.end)).join(', ')}`,
      );
  }
  const caught = secretCorpus.length - missed.length;
  return {
    caught,
    missed,
    values,
    valuesCaught,
    falsePositives,
    byShape,
    recall: caught / secretCorpus.length,
    falsePositiveRate: falsePositives.length / cleanCorpus.length,
  };
}

function report(name: string, figures: Awaited<ReturnType<typeof measure>>): string {
  const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
  const shapes = [...figures.byShape].map(([shape, { caught, total }]) => `${shape} ${caught}/${total}`).join(', ');
  return `${name}: recall ${figures.caught}/${secretCorpus.length} strings (${percent(figures.recall)}), ${figures.valuesCaught}/${figures.values} values; false positives ${figures.falsePositives.length}/${cleanCorpus.length} (${percent(figures.falsePositiveRate)})\n    by shape: ${shapes}`;
}

describe('secret detection, measured on the corpora in test/privacy/', () => {
  it('has at least 100 secret-bearing strings in every shape the issue names, and a clean corpus larger still', () => {
    expect(secretCorpus.length).toBeGreaterThanOrEqual(100);
    const shapes = new Set(secretCorpus.map((entry) => entry.shape));
    expect([...shapes].sort()).toEqual([
      'chat-webhook',
      'cli-flag',
      'cloud-key',
      'connection-url',
      'env-dump',
      'jwt',
      'key-block',
      'kubernetes-secret',
      'password-hash',
      'sentence',
      'url-encoded',
      'wireguard',
    ]);
    expect(cleanCorpus.length).toBeGreaterThan(secretCorpus.length);
    for (const entry of secretCorpus)
      for (const secret of entry.secrets) expect(entry.text, `${secret} is in its entry`).toContain(secret);
  });

  it('catches every secret of the corpus, with at most 5% false positives on ordinary alert and log lines', async () => {
    const detector = createSensitiveDetector();
    const steward = await measure((text) => detector.find(text));
    const own = await measure((text) => Promise.resolve(findSensitive(text)));
    const secretlint = createSecretlint();
    const library = await measure((text) => secretlint.find(text));
    console.log(
      [
        `secret detection: ${secretCorpus.length} secret-bearing strings in ${steward.byShape.size} shapes, ${cleanCorpus.length} clean lines`,
        `  ${report('Steward (its rules + secretlint, as the gateway runs it)', steward)}`,
        `  ${report("Steward's rules alone", own)}`,
        `  ${report('@secretlint/secretlint-rule-preset-recommend alone', library)}`,
      ].join('\n'),
    );
    expect(steward.missed).toEqual([]);
    expect(steward.recall).toBe(1);
    expect(steward.falsePositiveRate).toBeLessThanOrEqual(0.05);
  });

  it('has a corpus entry for every rule, so no rule is dead weight', () => {
    const texts = [
      ...secretCorpus.map((entry) => entry.text),
      ...cleanCorpus.map((entry) => entry.text),
      ...routingCorpus.map((entry) => entry.text),
    ];
    const unused = patternRules
      .filter((rule) => !texts.some((text) => [...text.matchAll(rule.pattern)].length > 0))
      .map((rule) => rule.id);
    expect(unused).toEqual([]);
  });

  it('finds a secret inside base64 only where it decodes to one, and never calls a certificate or a public key one', () => {
    const certificate = cleanCorpus.find((entry) => entry.text.startsWith('-----BEGIN CERTIFICATE-----'))!.text;
    expect(findSensitive(certificate)).toEqual([]);
    expect(findSensitive(Buffer.from(certificate).toString('base64'))).toEqual([]);
    const key = secretCorpus.find((entry) => entry.text.startsWith('-----BEGIN PRIVATE KEY-----'))!.text;
    expect(findSensitive(`tls.crt: ${Buffer.from(key).toString('base64')}`)).toMatchObject([
      { kind: 'secret', start: 9 },
    ]);
  });
});
