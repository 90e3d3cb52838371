import type { SensitiveKind } from './sensitive-data.ts';

/** What a request is for: it decides the model, as the seed design does. */
export const purposes = [
  'triage',
  'investigation',
  'deep-analysis',
  'solution',
  'code',
  'critical-code',
  'architecture',
  'reasoning',
] as const;
export type Purpose = (typeof purposes)[number];

/** The model groups Steward names; LiteLLM maps each to a provider model. */
export const aliasNames = [
  'gemini-flash',
  'gemini-pro',
  'gemini-thinking',
  'claude-sonnet',
  'claude-opus',
  'local',
] as const;
export type AliasName = (typeof aliasNames)[number];

export interface RoutingTable {
  /** The alias each purpose starts with. */
  byPurpose: Record<Purpose, AliasName>;
  /** Model group names on the proxy, per alias (default: the alias itself). */
  models: Record<AliasName, string>;
  /** Names the owner lists as private (people, the house, the company). */
  sensitiveNames: readonly string[];
  /** What happens to a request that holds sensitive data (`routing.secrets`, `routing.private_addresses`). */
  privacy: PrivacyPolicy;
  /** When every cloud model in the chain fails (offline, out of quota), the local model answers (`routing.fallback_to_local`). */
  fallbackToLocal: boolean;
}

/**
 * Secrets and personal data (e-mail, phone numbers, the owner's names) go to the local model
 * (`local`, the default) or are scrubbed to placeholders for a cloud model (`scrub`). Private
 * addresses and internal host names alone are masked consistently and may go to the cloud (`mask`,
 * the default) or keep the request local (`local`).
 */
export interface PrivacyPolicy {
  secrets: 'local' | 'scrub';
  privateAddresses: 'mask' | 'local';
}

export const defaultRouting: RoutingTable = {
  byPurpose: {
    triage: 'gemini-flash',
    investigation: 'gemini-flash',
    'deep-analysis': 'claude-sonnet',
    solution: 'gemini-pro',
    code: 'gemini-pro',
    'critical-code': 'claude-sonnet',
    architecture: 'claude-opus',
    reasoning: 'gemini-thinking',
  },
  models: {
    'gemini-flash': 'gemini-flash',
    'gemini-pro': 'gemini-pro',
    'gemini-thinking': 'gemini-thinking',
    'claude-sonnet': 'claude-sonnet',
    'claude-opus': 'claude-opus',
    local: 'local',
  },
  sensitiveNames: [],
  privacy: { secrets: 'local', privateAddresses: 'mask' },
  fallbackToLocal: true,
};

/** When Claude is out of quota or a model fails, the request falls down this chain. */
const FALLBACK_CHAIN: readonly AliasName[] = ['gemini-thinking', 'gemini-pro', 'gemini-flash'];

export interface RouteInput {
  purpose: Purpose;
  /** What the detector found in everything the request gathered: instructions, data, question, tools. */
  found: readonly SensitiveKind[];
  /** A runbook already answers this: no model is asked. */
  runbookMatched: boolean;
  /** Aliases whose quota is used up right now. */
  exhausted: ReadonlySet<AliasName>;
  /** An alias the caller insists on (a scheduled query's `model`). */
  forced?: AliasName;
}

export type Route =
  | { kind: 'runbook' }
  | {
      kind: 'llm';
      /** Aliases to try in order. */
      chain: AliasName[];
      /** What sensitive data the request holds; a cloud model sees it only as placeholders. */
      sensitive: SensitiveKind[];
    };

/**
 * Which model answers, or none. Pure, so that the table in test/unit/route-request.test.ts is the
 * whole specification:
 * 1. a matching runbook answers without any model;
 * 2. what the privacy policy keeps local goes to `local` only (by default: secrets and personal data,
 *    not private addresses, which are masked);
 * 3. otherwise the purpose picks the alias, an exhausted Claude is skipped, and failures fall down
 *    gemini-thinking → gemini-pro → gemini-flash, then to `local` unless `fallbackToLocal` is off.
 */
export function routeRequest(input: RouteInput, table: RoutingTable = defaultRouting): Route {
  if (input.runbookMatched) return { kind: 'runbook' };
  const sensitive = [...new Set(input.found)];
  // Even a model the owner named for a scheduled query: privacy wins over the choice of model.
  if (keepsLocal(sensitive, table.privacy)) return { kind: 'llm', chain: ['local'], sensitive };
  const first = input.forced ?? table.byPurpose[input.purpose];
  if (first === 'local') return { kind: 'llm', chain: ['local'], sensitive };
  const chain = withFallbacks(first, input.exhausted);
  // A homelab whose internet is down still gets an answer: the local model, last.
  return {
    kind: 'llm',
    chain: table.fallbackToLocal && !input.exhausted.has('local') ? [...chain, 'local'] : chain,
    sensitive,
  };
}

function withFallbacks(first: AliasName, exhausted: ReadonlySet<AliasName>): AliasName[] {
  const start = FALLBACK_CHAIN.indexOf(first);
  const rest = start >= 0 ? FALLBACK_CHAIN.slice(start + 1) : FALLBACK_CHAIN;
  return [first, ...rest].filter((alias) => !exhausted.has(alias));
}

/** Whether data of these kinds may reach a cloud model at all under the policy (scrubbed or masked). */
export function keepsLocal(kinds: readonly SensitiveKind[], policy: PrivacyPolicy): boolean {
  if (policy.secrets === 'local' && kinds.some((kind) => kind !== 'address')) return true;
  return policy.privateAddresses === 'local' && kinds.includes('address');
}

export function isCloud(alias: AliasName): boolean {
  return alias !== 'local';
}
