import { describe, expect, it } from 'vitest';
import { defaultRouting, routeRequest, type AliasName, type RouteInput } from '../../bot/llm/route-request.ts';

const none = new Set<AliasName>();
const base: RouteInput = { purpose: 'triage', text: 'radarr-0 uses 95% of its memory limit', runbookMatched: false, exhausted: none };

describe('routing a request to a model', () => {
  it.each<[string, Partial<RouteInput>, ReturnType<typeof routeRequest>]>([
    ['a matching runbook asks no model', { runbookMatched: true, text: 'password=hunter2!Radarr' }, { kind: 'runbook' }],
    ['triage → Gemini Flash', {}, { kind: 'llm', chain: ['gemini-flash'], sensitive: [] }],
    ['solutions → Gemini Pro, then Flash', { purpose: 'solution' }, { kind: 'llm', chain: ['gemini-pro', 'gemini-flash'], sensitive: [] }],
    ['code → Gemini Pro', { purpose: 'code' }, { kind: 'llm', chain: ['gemini-pro', 'gemini-flash'], sensitive: [] }],
    ['critical infrastructure code → Claude Sonnet, then the Gemini chain', { purpose: 'critical-code' }, { kind: 'llm', chain: ['claude-sonnet', 'gemini-thinking', 'gemini-pro', 'gemini-flash'], sensitive: [] }],
    ['architecture → Claude Opus', { purpose: 'architecture' }, { kind: 'llm', chain: ['claude-opus', 'gemini-thinking', 'gemini-pro', 'gemini-flash'], sensitive: [] }],
    ['complex reasoning → Gemini Thinking', { purpose: 'reasoning' }, { kind: 'llm', chain: ['gemini-thinking', 'gemini-pro', 'gemini-flash'], sensitive: [] }],
    ['Sonnet out of quota → the Gemini chain', { purpose: 'critical-code', exhausted: new Set<AliasName>(['claude-sonnet']) }, { kind: 'llm', chain: ['gemini-thinking', 'gemini-pro', 'gemini-flash'], sensitive: [] }],
    ['Opus out of quota → the Gemini chain', { purpose: 'architecture', exhausted: new Set<AliasName>(['claude-opus']) }, { kind: 'llm', chain: ['gemini-thinking', 'gemini-pro', 'gemini-flash'], sensitive: [] }],
    ['a secret → local only', { purpose: 'architecture', text: 'DATABASE_URL=postgres://radarr:S3cr3t@db:5432/radarr' }, { kind: 'llm', chain: ['local'], sensitive: ['secret'] }],
    ['a private address → local only', { text: 'node 192.168.1.20 is down' }, { kind: 'llm', chain: ['local'], sensitive: ['address'] }],
    ['an e-mail address → local only', { text: 'notify alice.ops@example.org' }, { kind: 'llm', chain: ['local'], sensitive: ['email'] }],
    ['a phone number → local only', { text: 'call +49 151 23456789' }, { kind: 'llm', chain: ['local'], sensitive: ['phone'] }],
    ['a JWT → local only', { text: 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXZhbHVl' }, { kind: 'llm', chain: ['local'], sensitive: ['secret'] }],
    ['a model the owner named for a query', { forced: 'claude-opus' }, { kind: 'llm', chain: ['claude-opus', 'gemini-thinking', 'gemini-pro', 'gemini-flash'], sensitive: [] }],
    ['…but not for sensitive data: privacy wins', { forced: 'claude-opus', text: 'backup of nas.home.arpa failed' }, { kind: 'llm', chain: ['local'], sensitive: ['address'] }],
  ])('%s', (_name, input, route) => {
    expect(routeRequest({ ...base, ...input })).toEqual(route);
  });

  it('treats the names the owner lists as sensitive', () => {
    const table = { ...defaultRouting, sensitiveNames: ['Mallory Fischer'] };
    expect(routeRequest({ ...base, text: "mallory fischer's laptop saturates the uplink" }, table)).toEqual({ kind: 'llm', chain: ['local'], sensitive: ['name'] });
    expect(routeRequest({ ...base, text: 'the uplink is saturated' }, table)).toMatchObject({ chain: ['gemini-flash'] });
  });

  it('can start a purpose on the local model by configuration', () => {
    const table = { ...defaultRouting, byPurpose: { ...defaultRouting.byPurpose, triage: 'local' as const } };
    expect(routeRequest(base, table)).toEqual({ kind: 'llm', chain: ['local'], sensitive: [] });
  });
});
