import { maskSecrets } from '../llm/sensitive-data.ts';

/** One fact an investigation gathered, kept for `details`, the findings and the proposals. */
export interface Evidence {
  /** What makes two calls the same call (tool and arguments, the query, the application): never made twice for an incident. */
  key: string;
  source: 'tool' | 'prometheus' | 'coroot';
  /** What was asked, shown as the finding's source: `list_pods {"namespace":"media"}`, the PromQL, `sonarr`. */
  what: string;
  /** The line a finding quotes. */
  quote: string;
  /** Everything kept of the result (capped), for `details` and the models. */
  text: string;
  /** False for a call that failed or was refused: kept, so it is not asked again, but never a finding. */
  ok: boolean;
  at: string;
}

/** The key of a tool call: its name and its arguments in a stable order. */
export function toolCallKey(name: string, args: Record<string, unknown>): string {
  return `tool:${name}:${stableJson(args)}`;
}

export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Gathered text as Steward keeps and shows it: secrets (tokens, passwords, keys the detector's rules
 * know) become `‹secret›` before anything is stored or posted, and it is capped at `max` characters.
 * The models get it through the gateway, which routes and scrubs it like any request.
 */
export function keptText(text: string, max: number): string {
  const out = maskSecrets(text);
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}

/**
 * Evidence as it is kept: every field a person or a model reads (what was asked, the quote, the text)
 * with secrets masked, whoever wrote it: a model's tool arguments, Prometheus's error message, a
 * tool's output. The key stays as it was made, so the same call is still known as the same.
 */
export function keptEvidence(evidence: Evidence): Evidence {
  return {
    ...evidence,
    what: maskSecrets(evidence.what),
    quote: maskSecrets(evidence.quote),
    text: maskSecrets(evidence.text),
  };
}

/** The first line that says something, for a finding's quote. */
export function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .find((line) => line.length > 0 && !/^[[{\]}]+,?$/.test(line)) ?? text.trim()
  );
}
