import { z } from 'zod';
import { parseFieldPath, type PathPart } from './field-path.ts';

/**
 * How one generic JSON webhook's body becomes an alert: field selectors (`status`, `$.check.name`,
 * `items[0].id`) for its title, identity, status and labels. Strict: it is our own configuration, a
 * typo should stop the start. The token is checked here for length only; bot/ supplies its value.
 */
const selector = z.string().transform((value, context): PathPart[] => {
  const parts = parseFieldPath(value);
  if (typeof parts === 'string') {
    context.addIssue({ code: 'custom', message: `selector ${JSON.stringify(value)} ${parts}` });
    return z.NEVER;
  }
  return parts;
});

const labelName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be a label name (letters, digits, _)' });

export const hookName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
  message: 'must be lower-case letters, digits, - or _ (it is the last part of /webhooks/generic/<name>)',
});

export const mappingSchema = z
  .object({
    /** The incident's title. */
    title: selector,
    /** What makes two deliveries the same alert (a check id, a host): the same value is one incident. */
    dedupKey: selector,
    /** Where the status is; without it every delivery is firing. */
    status: selector.optional(),
    /** Values of `status` that mean resolved; anything else fires. */
    resolvedValues: z
      .array(z.union([z.string(), z.number(), z.boolean()]))
      .min(1)
      .default(['resolved']),
    severity: selector.optional(),
    labels: z.record(labelName, selector).default({}),
    /** Labels every alert of this webhook carries (`service: nextcloud`), for runbooks and for coalescing with other sources. */
    staticLabels: z.record(labelName, z.string()).default({}),
    annotations: z.record(z.string().min(1), selector).default({}),
  })
  .strict();

export type GenericMapping = z.infer<typeof mappingSchema>;
