import { z } from 'zod';

/**
 * Prometheus's HTTP API answer to `/api/v1/query_range` (https://prometheus.io/docs/prometheus/latest/querying/api/#range-queries):
 * a matrix of series, each its labels and `[unix seconds, "value"]` pairs. Tolerant of extra fields
 * (`warnings`, `infos`, stats).
 */
export const rangeAnswerSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.object({
      resultType: z.literal('matrix'),
      result: z.array(
        z.object({ metric: z.record(z.string(), z.string()), values: z.array(z.tuple([z.number(), z.string()])) }),
      ),
    }),
  }),
  z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string().optional() }),
]);

export type RangeAnswer = z.infer<typeof rangeAnswerSchema>;
export type Series = Extract<RangeAnswer, { status: 'success' }>['data']['result'][number];
