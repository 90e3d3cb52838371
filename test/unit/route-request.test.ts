import { describe, expect, it } from 'vitest';
import {
  defaultRouting,
  routeRequest,
  type AliasName,
  type RouteInput,
  type RoutingTable,
} from '../../bot/llm/route-request.ts';
import { findSensitive } from '../../bot/llm/sensitive-data.ts';

const none = new Set<AliasName>();
type Case = Partial<Omit<RouteInput, 'found'>> & { text?: string };
const base = {
  purpose: 'triage',
  text: 'radarr-0 uses 95% of its memory limit',
  runbookMatched: false,
  exhausted: none,
} as const;

/** Routes `text` as the gateway does: what the detector finds in it decides. */
function route(input: Case, table: RoutingTable = defaultRouting) {
  const { text, ...rest } = { ...base, ...input };
  return routeRequest(
    { ...rest, found: findSensitive(text, table.sensitiveNames).map((finding) => finding.kind) },
    table,
  );
}

describe('routing a request to a model', () => {
  it.each<[string, Case, ReturnType<typeof routeRequest>]>([
    [
      'a matching runbook asks no model',
      { runbookMatched: true, text: 'password=hunter2!Radarr' },
      { kind: 'runbook' },
    ],
    ['triage → Gemini Flash', {}, { kind: 'llm', chain: ['gemini-flash', 'local'], sensitive: [] }],
    [
      'solutions → Gemini Pro, then Flash',
      { purpose: 'solution' },
      { kind: 'llm', chain: ['gemini-pro', 'gemini-flash', 'local'], sensitive: [] },
    ],
    [
      'code → Gemini Pro',
      { purpose: 'code' },
      { kind: 'llm', chain: ['gemini-pro', 'gemini-flash', 'local'], sensitive: [] },
    ],
    [
      'critical infrastructure code → Claude Sonnet, then the Gemini chain',
      { purpose: 'critical-code' },
      {
        kind: 'llm',
        chain: ['claude-sonnet', 'gemini-thinking', 'gemini-pro', 'gemini-flash', 'local'],
        sensitive: [],
      },
    ],
    [
      'architecture → Claude Opus',
      { purpose: 'architecture' },
      { kind: 'llm', chain: ['claude-opus', 'gemini-thinking', 'gemini-pro', 'gemini-flash', 'local'], sensitive: [] },
    ],
    [
      'complex reasoning → Gemini Thinking',
      { purpose: 'reasoning' },
      { kind: 'llm', chain: ['gemini-thinking', 'gemini-pro', 'gemini-flash', 'local'], sensitive: [] },
    ],
    [
      'Sonnet out of quota → the Gemini chain',
      { purpose: 'critical-code', exhausted: new Set<AliasName>(['claude-sonnet']) },
      { kind: 'llm', chain: ['gemini-thinking', 'gemini-pro', 'gemini-flash', 'local'], sensitive: [] },
    ],
    [
      'Opus out of quota → the Gemini chain',
      { purpose: 'architecture', exhausted: new Set<AliasName>(['claude-opus']) },
      { kind: 'llm', chain: ['gemini-thinking', 'gemini-pro', 'gemini-flash', 'local'], sensitive: [] },
    ],
    [
      'a secret → local only',
      { purpose: 'architecture', text: 'DATABASE_URL=postgres://radarr:S3cr3t@db:5432/radarr' },
      { kind: 'llm', chain: ['local'], sensitive: ['secret'] },
    ],
    [
      'a private address alone → the cloud, masked',
      { text: 'node 192.168.1.20 is down' },
      { kind: 'llm', chain: ['gemini-flash', 'local'], sensitive: ['address'] },
    ],
    [
      'an internal host name alone → the cloud, masked',
      { text: 'backup of nas.home.arpa failed' },
      { kind: 'llm', chain: ['gemini-flash', 'local'], sensitive: ['address'] },
    ],
    [
      'an address beside a secret → local only',
      { text: 'mysql -h 10.0.4.17 -uroot -pM4riaDB-r00t' },
      { kind: 'llm', chain: ['local'], sensitive: ['address', 'secret'] },
    ],
    [
      'curl -u user:password → local only',
      { text: 'curl -u admin:Radarr-Adm1n! http://radarr:7878' },
      { kind: 'llm', chain: ['local'], sensitive: ['secret'] },
    ],
    [
      '"the password is …" → local only',
      { text: 'FYI the password is Blu3-Whale-42' },
      { kind: 'llm', chain: ['local'], sensitive: ['secret'] },
    ],
    [
      'an e-mail address → local only',
      { text: 'notify alice.ops@example.org' },
      { kind: 'llm', chain: ['local'], sensitive: ['email'] },
    ],
    [
      'a phone number → local only',
      { text: 'call +49 151 23456789' },
      { kind: 'llm', chain: ['local'], sensitive: ['phone'] },
    ],
    [
      'a JWT → local only',
      { text: 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXZhbHVl' },
      { kind: 'llm', chain: ['local'], sensitive: ['secret'] },
    ],
    [
      'a model the owner named for a query',
      { forced: 'claude-opus' },
      { kind: 'llm', chain: ['claude-opus', 'gemini-thinking', 'gemini-pro', 'gemini-flash', 'local'], sensitive: [] },
    ],
    [
      '…but not for sensitive data: privacy wins',
      { forced: 'claude-opus', text: 'backup of nas failed: token=ghp_R8s2kLmQ9vXw3ZyT6uNpB4cD7eFgH1jK0aSd' },
      { kind: 'llm', chain: ['local'], sensitive: ['secret'] },
    ],
  ])('%s', (_name, input, expected) => {
    expect(route(input)).toEqual(expected);
  });

  it('follows routing.secrets and routing.private_addresses', () => {
    const scrub = { ...defaultRouting, privacy: { secrets: 'scrub' as const, privateAddresses: 'mask' as const } };
    expect(route({ text: 'DATABASE_URL=postgres://radarr:S3cr3t@db:5432/radarr' }, scrub)).toEqual({
      kind: 'llm',
      chain: ['gemini-flash', 'local'],
      sensitive: ['secret'],
    });
    const local = { ...defaultRouting, privacy: { secrets: 'local' as const, privateAddresses: 'local' as const } };
    expect(route({ text: 'node 192.168.1.20 is down' }, local)).toEqual({
      kind: 'llm',
      chain: ['local'],
      sensitive: ['address'],
    });
    expect(route({ text: 'radarr-0 uses 95% of its memory limit' }, local)).toEqual({
      kind: 'llm',
      chain: ['gemini-flash', 'local'],
      sensitive: [],
    });
  });

  it('treats the names the owner lists as sensitive', () => {
    const table = { ...defaultRouting, sensitiveNames: ['Mallory Fischer'] };
    expect(route({ text: "mallory fischer's laptop saturates the uplink" }, table)).toEqual({
      kind: 'llm',
      chain: ['local'],
      sensitive: ['name'],
    });
    expect(route({ text: 'the uplink is saturated' }, table)).toMatchObject({ chain: ['gemini-flash', 'local'] });
  });

  it('falls back to the local model last unless routing.fallback_to_local is off', () => {
    expect(route({ purpose: 'investigation' })).toEqual({
      kind: 'llm',
      chain: ['gemini-flash', 'local'],
      sensitive: [],
    });
    expect(route({ purpose: 'deep-analysis' })).toEqual({
      kind: 'llm',
      chain: ['claude-sonnet', 'gemini-thinking', 'gemini-pro', 'gemini-flash', 'local'],
      sensitive: [],
    });
    expect(route({ purpose: 'deep-analysis', exhausted: new Set<AliasName>(['claude-sonnet']) })).toMatchObject({
      chain: ['gemini-thinking', 'gemini-pro', 'gemini-flash', 'local'],
    });
    expect(route({ exhausted: new Set<AliasName>(['local']) })).toMatchObject({ chain: ['gemini-flash'] });
    expect(route({}, { ...defaultRouting, fallbackToLocal: false })).toMatchObject({ chain: ['gemini-flash'] });
  });

  it('can start a purpose on the local model by configuration', () => {
    const table = { ...defaultRouting, byPurpose: { ...defaultRouting.byPurpose, triage: 'local' as const } };
    expect(route({}, table)).toEqual({ kind: 'llm', chain: ['local'], sensitive: [] });
  });
});
