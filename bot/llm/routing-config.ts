import { z } from 'zod';
import { ConfigError } from '../config/index.ts';
import { defaultQuotas, type AliasQuota } from './quota.ts';
import { aliasNames, defaultRouting, purposes, type AliasName, type RoutingTable } from './route-request.ts';

const alias = z.enum(aliasNames);
const quota = z
  .object({ daily: z.number().int().min(0), weekly: z.number().int().min(0), warnAt: z.number().gt(0).max(1) })
  .strict();

/** The `routing` section of STEWARD_CONFIG (see steward.example.yaml). Every key is optional. */
const routingSchema = z
  .object({
    purposes: z.partialRecord(z.enum(purposes), alias).optional(),
    models: z.partialRecord(alias, z.string().min(1)).optional(),
    quotas: z.partialRecord(alias, quota).optional(),
    sensitiveNames: z.array(z.string().min(2)).optional(),
    /** Secrets and personal data: `local` keeps the request (or the rest of a conversation) local, `scrub` sends placeholders. */
    secrets: z.enum(['local', 'scrub']).optional(),
    /** Private addresses and internal host names alone: `mask` sends placeholders, `local` keeps the request local. */
    private_addresses: z.enum(['mask', 'local']).optional(),
    /** When the cloud models fail, ask the local one last (default true). */
    fallback_to_local: z.boolean().optional(),
  })
  .strict();

export interface LlmRouting {
  table: RoutingTable;
  quotas: Partial<Record<AliasName, AliasQuota>>;
}

export function readRoutingConfig(section: unknown): LlmRouting {
  const parsed = routingSchema.safeParse(section ?? {});
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: 'STEWARD_CONFIG',
        message: `routing.${issue.path.join('.')}: ${issue.message}`,
      })),
    );
  }
  const routing = parsed.data;
  return {
    table: {
      byPurpose: { ...defaultRouting.byPurpose, ...routing.purposes },
      models: { ...defaultRouting.models, ...routing.models },
      sensitiveNames: routing.sensitiveNames ?? [],
      privacy: {
        secrets: routing.secrets ?? defaultRouting.privacy.secrets,
        privateAddresses: routing.private_addresses ?? defaultRouting.privacy.privateAddresses,
      },
      fallbackToLocal: routing.fallback_to_local ?? defaultRouting.fallbackToLocal,
    },
    quotas: { ...defaultQuotas, ...routing.quotas },
  };
}
