/** Fills `{{labels.name}}` in a runbook's arguments from the alert's labels. Pure. */
export function renderArgs(args: Readonly<Record<string, unknown>>, labels: Readonly<Record<string, string>>): Record<string, unknown> {
  const render = (value: unknown): unknown => {
    if (typeof value === 'string') return value.replace(/\{\{\s*labels\.([\w.-]+)\s*\}\}/g, (whole, name: string) => labels[name] ?? whole);
    if (Array.isArray(value)) return value.map(render);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, render(inner)]));
    return value;
  };
  return render(args) as Record<string, unknown>;
}

/**
 * The reverse, for a new runbook learned from a fix: an argument equal to a label's value becomes
 * `{{labels.name}}`, so the runbook fits the next pod of the same kind. Pure.
 */
export function templateArgs(args: Readonly<Record<string, unknown>>, labels: Readonly<Record<string, string>>): Record<string, unknown> {
  const byValue = new Map<string, string>();
  for (const [name, value] of Object.entries(labels)) if (value.length >= 2 && !byValue.has(value)) byValue.set(value, name);
  const template = (value: unknown): unknown => {
    if (typeof value === 'string' && byValue.has(value)) return `{{labels.${byValue.get(value)}}}`;
    if (Array.isArray(value)) return value.map(template);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, template(inner)]));
    return value;
  };
  return template(args) as Record<string, unknown>;
}
