import { z } from 'zod';
import { durationSchema } from '../config/env-schema.ts';
import { ConfigError } from '../config/index.ts';

const rolloutSchema = z
  .object({
    /** An MCP tool that reads an application's state: ArgoCD's `get_application` (argoproj-labs/mcp-for-argocd). */
    tool: z.string().min(1),
    /** The tool's arguments; `{app}`, `{package}` and `{repo}` are filled in per pull request. */
    arguments: z.record(z.string(), z.string()).default({ applicationName: '{app}' }),
    /** Package (short name, e.g. `sonarr`) → application name. When given, only these packages are followed by the tool. */
    applications: z.record(z.string(), z.string()).default({}),
    /** How often a merged PR's application is looked at. */
    every: durationSchema.default(30_000),
  })
  .strict();

const renovateSchema = z.object({ rollout: rolloutSchema.optional() }).strict();

export type RolloutConfig = z.infer<typeof rolloutSchema>;

/** The `renovate` section of STEWARD_CONFIG: how merged Renovate PRs are followed besides GitHub's deployment statuses. */
export function readRenovateConfig(section: unknown): { rollout?: RolloutConfig } {
  const parsed = renovateSchema.safeParse(section ?? {});
  if (!parsed.success)
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: 'STEWARD_CONFIG',
        message: `renovate.${issue.path.join('.')}: ${issue.message}`,
      })),
    );
  return parsed.data.rollout ? { rollout: parsed.data.rollout } : {};
}
