import { secretVariables } from './env-schema.ts';
import type { Env } from './read-config.ts';

/**
 * Every secret string that must never appear in a log line: whole values of secret variables, and
 * the password part of URLs (raw and percent-decoded, as drivers may print either).
 */
export function secretValues(env: Env, extra: readonly string[] = []): string[] {
  const found = new Set<string>();
  for (const name of secretVariables) {
    const value = env[name];
    if (!value) continue;
    found.add(value);
    for (const part of urlSecrets(value)) found.add(part);
  }
  for (const value of extra) if (value) found.add(value);
  // Very short strings would redact ordinary words; secrets that short are refused elsewhere.
  return [...found].filter((value) => value.length >= 4);
}

function urlSecrets(value: string): string[] {
  try {
    const url = new URL(value);
    if (!url.password) return [];
    return [url.password, decodeURIComponent(url.password)];
  } catch {
    return [];
  }
}
