import { z } from 'zod';
import type { ToolPolicy } from '../../graphs/tool-catalog.ts';
import { ConfigError } from '../config/index.ts';

const policySchema = z
  .object({
    /** Tools that never run from chat, whatever is answered: globs such as `delete_*`. */
    redlines: z.array(z.string().min(1)).default([]),
    /** Tools allowed although destructive by default (the server's destructiveHint, or a name such as `delete_*`). */
    allow: z.array(z.string().min(1)).default([]),
    /** Tool → how much it can break; promotion to auto-execute uses it (runbooks). */
    blast_radius: z.record(z.string(), z.enum(['single_pod', 'namespace', 'node', 'cluster'])).default({}),
    /** Tools the owner vouches change nothing (globs such as `get_*`), for scheduled queries; besides those the server marks readOnlyHint. */
    read_only: z.array(z.string().min(1)).default([]),
  })
  .strict();

export type Policy = ToolPolicy & { allow: string[]; blastRadius: Record<string, string>; readOnly: string[] };

export function readPolicy(section: unknown): Policy {
  const parsed = policySchema.safeParse(section ?? {});
  if (!parsed.success)
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: 'STEWARD_CONFIG',
        message: `policy.${issue.path.join('.')}: ${issue.message}`,
      })),
    );
  return {
    redlines: parsed.data.redlines,
    allow: parsed.data.allow,
    blastRadius: parsed.data.blast_radius,
    readOnly: parsed.data.read_only,
  };
}
