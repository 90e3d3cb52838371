const OFFSET = 14695981039346656037n;
const PRIME = 1099511628211n;
const MASK = (1n << 64n) - 1n;
const SEPARATOR = 0xff;

/**
 * An alert's fingerprint as Prometheus and Alertmanager compute it (prometheus/common model
 * `LabelSet.Fingerprint`): FNV-1a 64 over the sorted label names and values, each followed by the byte
 * 0xff, printed as 16 hex digits. Stable per label set, so the same alert keeps its fingerprint.
 */
export function fingerprint(labels: Readonly<Record<string, string>>): string {
  let hash = OFFSET;
  const add = (byte: number) => {
    hash = ((hash ^ BigInt(byte)) * PRIME) & MASK;
  };
  for (const name of Object.keys(labels).sort()) {
    for (const byte of Buffer.from(name, 'utf8')) add(byte);
    add(SEPARATOR);
    for (const byte of Buffer.from(labels[name]!, 'utf8')) add(byte);
    add(SEPARATOR);
  }
  return hash.toString(16).padStart(16, '0');
}
