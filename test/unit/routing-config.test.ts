import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStructuredConfig, readConfig } from '../../bot/config/index.ts';
import { defaultQuotas } from '../../bot/llm/quota.ts';
import { defaultRouting } from '../../bot/llm/route-request.ts';
import { readRoutingConfig } from '../../bot/llm/routing-config.ts';

describe('model configuration', () => {
  it('defaults to the seed design when nothing is set', () => {
    expect(readRoutingConfig(undefined)).toEqual({ table: defaultRouting, quotas: defaultQuotas });
  });

  it('reads the example file', () => {
    const structured = parseStructuredConfig(readFileSync('steward.example.yaml', 'utf8'), 'steward.example.yaml');
    const routing = readRoutingConfig(structured.routing);
    // The compose stack's LiteLLM group (deploy/compose/litellm-config.yaml), not an Ollama tag.
    expect(routing.table.models.local).toBe('local');
    expect(routing.table.byPurpose).toEqual(defaultRouting.byPurpose);
    expect(routing.quotas['claude-opus']).toEqual({ daily: 5, weekly: 20, warnAt: 0.5 });
  });

  it('reads the privacy policy: secrets local or scrubbed, private addresses masked or local', () => {
    expect(readRoutingConfig(undefined).table.privacy).toEqual({ secrets: 'local', privateAddresses: 'mask' });
    expect(readRoutingConfig({ secrets: 'scrub', private_addresses: 'local' }).table.privacy).toEqual({
      secrets: 'scrub',
      privateAddresses: 'local',
    });
    expect(() => readRoutingConfig({ secrets: 'cloud' })).toThrow(/routing\.secrets/);
    expect(() => readRoutingConfig({ private_addresses: 'send' })).toThrow(/routing\.private_addresses/);
  });

  it('names the bad key of a routing section', () => {
    expect(() => readRoutingConfig({ purposes: { triage: 'gpt-5' } })).toThrow(/routing\.purposes\.triage/);
    expect(() => readRoutingConfig({ quotas: { 'claude-opus': { daily: 5, weekly: 20, warnAt: 2 } } })).toThrow(
      /routing\.quotas\.claude-opus\.warnAt/,
    );
    expect(() => readRoutingConfig({ sensitve: [] })).toThrow(/Unrecognized key/);
  });

  it('reads the endpoints from the environment, the proxy key only with its URL, and keeps the key secret', () => {
    const config = readConfig({
      LLM_BASE_URL: 'http://litellm:4000',
      LLM_API_KEY: 'sk-virtual-0123456789',
      OLLAMA_BASE_URL: 'http://ollama:11434',
      LLM_TIMEOUT: '30s',
    });
    expect(config.llm).toEqual({
      proxy: { baseUrl: 'http://litellm:4000', apiKey: 'sk-virtual-0123456789' },
      ollamaBaseUrl: 'http://ollama:11434',
      timeoutMs: 30_000,
      localTimeoutMs: 180_000,
    });
    expect(() => readConfig({ LLM_BASE_URL: 'http://litellm:4000' })).toThrow(
      /LLM_API_KEY is required to use the LLM proxy/,
    );
    expect(() => readConfig({ LLM_BASE_URL: 'http://litellm:4000', LLM_API_KEY: 'short' })).toThrow(/LLM_API_KEY/);
    expect(() => readConfig({ LLM_BASE_URL: 'http://litellm:4000', LLM_API_KEY: 'short' })).not.toThrow(/short/);
  });
});
