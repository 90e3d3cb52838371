import { findSensitive } from '../llm/sensitive-data.ts';

const MASK = '[REDACTED]';

/**
 * The end of a stdio MCP server's standard error: what it says when it fails to start or dies is the
 * only clue, so the last `limit` characters are kept (a chatty server cannot fill memory) and handed
 * out masked. Masked are the values the server was configured with (its env and headers: tokens from
 * `${VAR}`) and anything shaped like a credential; the log's own redactor masks Steward's secrets on top.
 */
export function createStderrTail(options: { limit: number; secrets: readonly string[] }) {
  let text = '';
  let partial = '';
  const secrets = options.secrets.filter((value) => value.length >= 6).sort((a, b) => b.length - a.length);

  function mask(value: string): string {
    let out = value;
    for (const secret of secrets) out = out.split(secret).join(MASK);
    const found = findSensitive(out).filter((finding) => finding.kind === 'secret');
    for (const finding of found.reverse()) out = `${out.slice(0, finding.start)}${MASK}${out.slice(finding.end)}`;
    return out;
  }

  return {
    /** Keeps a chunk; returns the lines it completed, masked (for the debug log). */
    append(chunk: string): string[] {
      text = (text + chunk).slice(-options.limit);
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!.slice(-options.limit);
      return lines
        .map((line) => line.trimEnd())
        .filter(Boolean)
        .map(mask);
    },
    /** What was kept, masked; empty when the server said nothing. */
    text: () => mask(text.trim()),
    reset(): void {
      text = '';
      partial = '';
    },
  };
}
