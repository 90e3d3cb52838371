import { findSensitive, type SensitiveKind } from './sensitive-data.ts';

/** What a request is for: it decides the model, as the seed design does. */
export const purposes = ['triage', 'solution', 'code', 'critical-code', 'architecture', 'reasoning'] as const;
export type Purpose = (typeof purposes)[number];

/** The model groups Steward names; LiteLLM maps each to a provider model. */
export const aliasNames = ['gemini-flash', 'gemini-pro', 'gemini-thinking', 'claude-sonnet', 'claude-opus', 'local'] as const;
export type AliasName = (typeof aliasNames)[number];

export interface RoutingTable {
  /** The alias each purpose starts with. */
  byPurpose: Record<Purpose, AliasName>;
  /** Model group names on the proxy, per alias (default: the alias itself). */
  models: Record<AliasName, string>;
  /** Names the owner lists as private (people, the house, the company). */
  sensitiveNames: readonly string[];
}

export const defaultRouting: RoutingTable = {
  byPurpose: { triage: 'gemini-flash', solution: 'gemini-pro', code: 'gemini-pro', 'critical-code': 'claude-sonnet', architecture: 'claude-opus', reasoning: 'gemini-thinking' },
  models: { 'gemini-flash': 'gemini-flash', 'gemini-pro': 'gemini-pro', 'gemini-thinking': 'gemini-thinking', 'claude-sonnet': 'claude-sonnet', 'claude-opus': 'claude-opus', local: 'local' },
  sensitiveNames: [],
};

/** When Claude is out of quota or a model fails, the request falls down this chain. */
const FALLBACK_CHAIN: readonly AliasName[] = ['gemini-thinking', 'gemini-pro', 'gemini-flash'];

export interface RouteInput {
  purpose: Purpose;
  /** Everything that would be sent: system prompt, data, question. */
  text: string;
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
      /** What made the request sensitive, if anything; a sensitive request never leaves for a cloud model. */
      sensitive: SensitiveKind[];
    };

/**
 * Which model answers, or none. Pure, so that the table in test/unit/route-request.test.ts is the
 * whole specification:
 * 1. a matching runbook answers without any model;
 * 2. anything sensitive goes to `local` only;
 * 3. otherwise the purpose picks the alias, an exhausted Claude is skipped, and failures fall down
 *    gemini-thinking → gemini-pro → gemini-flash.
 */
export function routeRequest(input: RouteInput, table: RoutingTable = defaultRouting): Route {
  if (input.runbookMatched) return { kind: 'runbook' };
  const sensitive = [...new Set(findSensitive(input.text, table.sensitiveNames).map((finding) => finding.kind))];
  // Even a model the owner named for a scheduled query: privacy wins over the choice of model.
  if (sensitive.length > 0) return { kind: 'llm', chain: ['local'], sensitive };
  const first = input.forced ?? table.byPurpose[input.purpose];
  if (first === 'local') return { kind: 'llm', chain: ['local'], sensitive };
  return { kind: 'llm', chain: withFallbacks(first, input.exhausted), sensitive };
}

function withFallbacks(first: AliasName, exhausted: ReadonlySet<AliasName>): AliasName[] {
  const start = FALLBACK_CHAIN.indexOf(first);
  const rest = start >= 0 ? FALLBACK_CHAIN.slice(start + 1) : FALLBACK_CHAIN;
  return [first, ...rest].filter((alias) => !exhausted.has(alias));
}

export function isCloud(alias: AliasName): boolean {
  return alias !== 'local';
}
