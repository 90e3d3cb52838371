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
    const [{ lintSource }, { rules }] = await Promise.all([
      import('@secretlint/core'),
      import('@secretlint/secretlint-rule-preset-recommend'),
    ]);
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
