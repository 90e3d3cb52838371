import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** test/fixtures: real and reconstructed upstream payloads, with provenance in its README. */
export const fixturesDir = fileURLToPath(new URL('../fixtures/', import.meta.url));

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(`${fixturesDir}${name}`, 'utf8')) as T;
}

export function fixtureNames(prefix: string): string[] {
  return readdirSync(fixturesDir)
    .filter((name) => name.startsWith(prefix) && name.endsWith('.json'))
    .sort();
}

export interface RecordedDelivery {
  receivedAt: string;
  headers: Record<string, string>;
  body: string;
}

/** The deliveries a real Alertmanager 0.25 sent in one session, in order. */
export function alertmanagerSession(): RecordedDelivery[] {
  return readFileSync(`${fixturesDir}alertmanager-real-session-0.25.jsonl`, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RecordedDelivery);
}
