import { lintSource } from '@secretlint/core';
import { rules } from '@secretlint/secretlint-rule-preset-recommend';
import type { Finding } from './sensitive-data.ts';

/**
 * Secrets found by secretlint's recommended rules (provider token formats: AWS, GCP, GitHub, npm,
 * Slack, SendGrid, Shopify, OpenAI, Anthropic, Linear, 1Password, private keys, basic auth and
 * database URLs), added to Steward's own rules. Its comment filter is left out: a
 * `secretlint-disable` comment in alert or tool text must not switch detection off.
 */
const config = {
  rules: rules
    .filter((rule) => rule.meta.id !== '@secretlint/secretlint-rule-filter-comments')
    .map((rule) => ({ id: rule.meta.id, rule })),
};

export async function secretlintFindings(text: string): Promise<Omit<Finding, 'value'>[]> {
  const result = await lintSource({
    source: { content: text, filePath: 'request.txt', ext: '.txt', contentType: 'text' },
    options: { config, noPhysicFilePath: true },
  });
  return result.messages.map((message) => ({ kind: 'secret', label: 'SECRET', start: message.range[0], end: message.range[1] }));
}
