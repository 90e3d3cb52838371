import { describe, expect, it } from 'vitest';
import { createScrubber } from '../../bot/llm/scrubber.ts';
import { createSensitiveDetector } from '../../bot/llm/sensitive-detector.ts';
import { corpus, corpusNames } from '../privacy/corpus.ts';

const scrubber = (names: string[] = []) => createScrubber(createSensitiveDetector(names));

describe('scrubbing before a cloud call', () => {
  it('replaces each value with a stable placeholder; addresses come back everywhere, the rest only for the owner', async () => {
    const one = scrubber(['Jonas']);
    const scrubbed = await one.scrub(
      'Jonas: 192.168.1.20 cannot reach 192.168.1.30; 192.168.1.20 retries; token=ghp_R8s2kLmQ9vXw3ZyT6uNpB4cD7eFgH1jK0aSd',
    );
    expect(scrubbed).toBe('<NAME_1>: <IP_1> cannot reach <IP_2>; <IP_1> retries; token=<SECRET_1>');
    const answer = 'Restart the service on <IP_1>, rotate <SECRET_1>, then tell <NAME_1>; <IP_9> is unknown';
    expect(one.unmask(answer)).toBe(
      'Restart the service on 192.168.1.20, rotate <SECRET_1>, then tell <NAME_1>; <IP_9> is unknown',
    );
    expect(one.restore(answer)).toBe(
      'Restart the service on 192.168.1.20, rotate ghp_R8s2kLmQ9vXw3ZyT6uNpB4cD7eFgH1jK0aSd, then tell Jonas; <IP_9> is unknown',
    );
  });

  it('masks the same host as the same placeholder across messages and in any case, so hosts stay apart', async () => {
    const one = scrubber();
    expect(await one.scrub('nas.home.arpa cannot reach proxmox.lan')).toBe('<HOST_1> cannot reach <HOST_2>');
    expect(await one.scrub('NAS.home.arpa is back; 10.0.4.17 and proxmox.lan answer')).toBe(
      '<HOST_1> is back; <IP_1> and <HOST_2> answer',
    );
    expect(one.unmask('<HOST_2> then <HOST_1>')).toBe('proxmox.lan then nas.home.arpa');
  });

  it('keeps the host of a connection string and hides its credentials', async () => {
    expect(await scrubber().scrub('postgres://radarr:S3cr3t-Pa55w0rd@postgres.media.svc:5432/radarr')).toBe(
      'postgres://<SECRET_1>@postgres.media.svc:5432/radarr',
    );
  });

  it('leaves placeholders a model wrote alone when they are sent back', async () => {
    const one = scrubber();
    expect(await one.scrub('restart <HOST_1> with <SECRET_2>')).toBe('restart <HOST_1> with <SECRET_2>');
  });

  it('cannot be switched off by a secretlint-disable comment in the text', async () => {
    const text = '// secretlint-disable\nAWS_ACCESS_KEY_ID=AKIA4Q7XZ2MPLW6RVN3B\n// secretlint-enable';
    expect(await scrubber().scrub(text)).not.toContain('AKIA4Q7XZ2MPLW6RVN3B');
  });

  it(`hides every sensitive value of the ${corpus.length}-string corpus and leaves its harmless strings alone`, async () => {
    const leaks: string[] = [];
    const falsePositives: string[] = [];
    for (const entry of corpus) {
      const scrubbed = await scrubber(corpusNames).scrub(entry.text);
      for (const secret of entry.secrets) if (scrubbed.includes(secret)) leaks.push(secret);
      if (entry.secrets.length === 0 && scrubbed !== entry.text) falsePositives.push(scrubbed);
    }
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    expect(leaks).toEqual([]);
    expect(falsePositives).toEqual([]);
  });
});
