import { stableLabels } from './stable-labels.ts';

/**
 * When two alert groups from different sources are about the same thing: both carry every one of
 * the coalescing labels (COALESCE_LABELS, `service` by default) among their stable labels, with the
 * same values. Undefined when a group lacks one, or no labels are configured: it coalesces with nothing. Pure.
 */
export function correlationKey(labels: Readonly<Record<string, string>>, names: readonly string[]): string | undefined {
  if (names.length === 0) return undefined;
  const stable = stableLabels(labels).labels;
  const values: string[] = [];
  for (const name of [...names].sort()) {
    const value = stable[name];
    if (value === undefined || value === '') return undefined;
    values.push(`${name}=${value}`);
  }
  return JSON.stringify(values);
}
