import { describe, expect, it } from 'vitest';
import { createScrubber } from '../../bot/llm/scrubber.ts';
import { corpus, corpusNames } from '../privacy/corpus.ts';

describe('scrubbing before a cloud call', () => {
  it('replaces each value with a stable placeholder and restores them in the answer', () => {
    const scrubber = createScrubber(['Jonas']);
    const scrubbed = scrubber.scrub('Jonas: 192.168.1.20 cannot reach 192.168.1.30; 192.168.1.20 retries; token=ghp_R8s2kLmQ9vXw3ZyT6uNpB4cD7eFgH1jK0aSd');
    expect(scrubbed).toBe('<NAME_1>: <IP_1> cannot reach <IP_2>; <IP_1> retries; token=<SECRET_1>');
    expect(scrubber.restore('Restart the service on <IP_1>, then tell <NAME_1>; <IP_9> is unknown')).toBe('Restart the service on 192.168.1.20, then tell Jonas; <IP_9> is unknown');
  });

  it('keeps the host of a connection string and hides its credentials', () => {
    expect(createScrubber().scrub('postgres://radarr:S3cr3t-Pa55w0rd@postgres.media.svc:5432/radarr')).toBe('postgres://<SECRET_1>@postgres.media.svc:5432/radarr');
  });

  it(`hides every secret of the ${corpus.length}-string corpus and leaves its harmless strings alone`, () => {
    const leaks: string[] = [];
    const falsePositives: string[] = [];
    for (const entry of corpus) {
      const scrubbed = createScrubber(corpusNames).scrub(entry.text);
      for (const secret of entry.secrets) if (scrubbed.includes(secret)) leaks.push(secret);
      if (entry.secrets.length === 0 && scrubbed !== entry.text) falsePositives.push(scrubbed);
    }
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    expect(leaks).toEqual([]);
    expect(falsePositives).toEqual([]);
  });
});
