const MASK = '[REDACTED]';

/**
 * Replaces every known secret value in a serialized log line. Path-based redaction cannot catch a
 * password that a driver prints inside an error message; matching the values themselves does.
 * Secrets learned after start (the embedded database's generated password) are added later.
 */
export interface SecretRedactor {
  add(value: string): void;
  redact(line: string): string;
}

export function createSecretRedactor(initial: readonly string[] = []): SecretRedactor {
  let needles: string[] = [];

  function add(value: string): void {
    if (value.length < 4) return;
    // A secret with quotes or backslashes appears escaped inside a JSON log line.
    const escaped = JSON.stringify(value).slice(1, -1);
    const encoded = encodeURIComponent(value);
    const next = new Set([...needles, value, escaped, encoded]);
    needles = [...next].sort((a, b) => b.length - a.length);
  }

  function redact(line: string): string {
    let out = line;
    for (const needle of needles) {
      if (out.includes(needle)) out = out.split(needle).join(MASK);
    }
    return out;
  }

  for (const value of initial) add(value);
  return { add, redact };
}
