/** `{{labels.name}}` in a runbook's arguments, filled from an alert's labels. */
const TEMPLATE = /\{\{\s*labels\.([\w.-]+)\s*\}\}/g;

export type RenderedArgs = { ok: true; args: Record<string, unknown> } | { ok: false; missing: string[] };

/**
 * Fills `{{labels.name}}` in a runbook's arguments from the alert's labels. A label the alert does not
 * have makes the whole call unusable (never a literal `{{labels.pod}}` sent to a tool). Pure.
 */
export function renderArgs(
  args: Readonly<Record<string, unknown>>,
  labels: Readonly<Record<string, string>>,
): RenderedArgs {
  const missing = new Set<string>();
  const render = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return value.replace(TEMPLATE, (whole, name: string) => {
        const label = labels[name];
        if (label === undefined) missing.add(name);
        return label ?? whole;
      });
    }
    if (Array.isArray(value)) return value.map(render);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, render(inner)]));
    return value;
  };
  const rendered = render(args) as Record<string, unknown>;
  return missing.size > 0 ? { ok: false, missing: [...missing].sort() } : { ok: true, args: rendered };
}

/** The labels a runbook's arguments are rendered from, sorted. Pure. */
export function templateLabels(args: Readonly<Record<string, unknown>>): string[] {
  const names = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') for (const match of value.matchAll(TEMPLATE)) names.add(match[1]!);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(args);
  return [...names].sort();
}

/**
 * The reverse, for a new runbook learned from a fix: an argument equal to a label's value becomes
 * `{{labels.name}}`, so the runbook fits the next pod of the same kind. Pure.
 */
export function templateArgs(
  args: Readonly<Record<string, unknown>>,
  labels: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const byValue = new Map<string, string>();
  for (const [name, value] of Object.entries(labels))
    if (value.length >= 2 && !byValue.has(value)) byValue.set(value, name);
  const template = (value: unknown): unknown => {
    if (typeof value === 'string' && byValue.has(value)) return `{{labels.${byValue.get(value)}}}`;
    if (Array.isArray(value)) return value.map(template);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, template(inner)]));
    return value;
  };
  return template(args) as Record<string, unknown>;
}
