import type { Finding } from './sensitive-data.ts';

type Found = Omit<Finding, 'value'>;

/**
 * Secrets found by secretlint's recommended rules (provider token formats: AWS, GCP, GitHub, npm,
 * Slack, SendGrid, Shopify, OpenAI, Anthropic, Linear, 1Password, private keys, basic auth and
 * database URLs), added to Steward's own rules. Its comment filter is left out: a
 * `secretlint-disable` comment in alert or tool text must not switch detection off.
 *
 * The library (about 12 MB resident) is loaded on the first search, not at start, so a Steward that
 * never asks a model does not carry it.
 */
export function createSecretlint() {
  let loaded: Promise<(text: string) => Promise<Found[]>> | undefined;

  async function load(): Promise<(text: string) => Promise<Found[]>> {
    const [{ lintSource }, { rules }, { secretLintProfiler }] = await Promise.all([
      import('@secretlint/core'),
      import('@secretlint/secretlint-rule-preset-recommend'),
      import('@secretlint/profiler'),
    ]);
    // secretlint marks the start and end of every rule of every search in the process-wide performance
    // timeline, and its profiler keeps each mark for ever and scans them all at every rule's end: in a
    // Steward that runs for weeks each search got slower and memory grew without bound (measured: 6 ms
    // a search at first, 50 ms after 2,000, about 60 marks kept per search). Steward never reads the
    // profile, so marking is switched off. The fix upstream (secretlint#1673, `setEnabled`) needs Node 22.
    secretLintProfiler.mark = () => undefined;
    const config = {
      rules: rules
        .filter((rule) => rule.meta.id !== '@secretlint/secretlint-rule-filter-comments')
        .map((rule) => ({ id: rule.meta.id, rule })),
    };
    return async (text) => {
      const result = await lintSource({
        source: { content: text, filePath: 'request.txt', ext: '.txt', contentType: 'text' },
        options: { config, noPhysicFilePath: true },
      });
      return result.messages.map((message) => ({
        kind: 'secret',
        label: 'SECRET',
        start: message.range[0],
        end: message.range[1],
      }));
    };
  }

  return {
    async find(text: string): Promise<Found[]> {
      loaded ??= load();
      return (await loaded)(text);
    },
  };
}
