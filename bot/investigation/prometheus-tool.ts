import type { ToolDescription } from '../../graphs/tool-catalog.ts';

/**
 * Prometheus offered to the model as one more read-only tool, so that it can look at any series
 * (a free-form request names no rule): the answer is the same summary per series as for an alert's
 * own expression, never the points.
 */
export const PROMETHEUS_TOOL: ToolDescription = {
  name: 'prometheus_query_range',
  description:
    'Evaluate a PromQL expression over the investigation window; answers each series summarised as first → last (min, max, trend).',
  inputSchema: {
    type: 'object',
    properties: { query: { type: 'string', minLength: 1, maxLength: 500, description: 'A PromQL expression' } },
    required: ['query'],
    additionalProperties: false,
  },
  readOnlyHint: true,
};

/** The query of a call to the tool, when its arguments fit its schema. */
export function prometheusToolQuery(args: Record<string, unknown>): string | undefined {
  const query = args.query;
  if (typeof query !== 'string' || query.trim() === '' || query.length > 500 || Object.keys(args).length !== 1)
    return undefined;
  return query.trim();
}
