import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPostgresCoordination } from '../../bot/coordination/index.ts';
import { createLlmGateway, type LlmGatewayOptions } from '../../bot/llm/gateway.ts';
import { createQuota, type QuotaWarning } from '../../bot/llm/quota.ts';
import { triageIncident } from '../../bot/llm/triage.ts';
import { defaultRouting } from '../../bot/llm/route-request.ts';
import { createLlmUsageLog } from '../../bot/llm/usage-log.ts';
import { createMetrics } from '../../bot/metrics/create-metrics.ts';
import { startLlmProxyFake, type LlmProxyFake } from '../fakes/llm-proxy.ts';
import { useMigratedDatabase } from '../helpers/databases.ts';
import { fixture } from '../helpers/fixtures.ts';
import { silentLogger } from '../helpers/silent-logger.ts';
import { corpus, corpusNames } from '../privacy/corpus.ts';

const KEY = 'sk-litellm-virtual-key-0123456789';
const cloudAliases = ['gemini-flash', 'gemini-pro', 'gemini-thinking', 'claude-sonnet', 'claude-opus'];

describe('the LLM gateway against loopback LiteLLM and Ollama', () => {
  const database = useMigratedDatabase();
  let litellm: LlmProxyFake;
  let ollama: LlmProxyFake;
  let warnings: QuotaWarning[];

  beforeEach(async () => {
    await litellm?.close();
    await ollama?.close();
    litellm = await startLlmProxyFake({ flavour: 'litellm', apiKey: KEY, models: cloudAliases });
    ollama = await startLlmProxyFake({ flavour: 'ollama', models: ['llama3.2'] });
    await database.pool.query('DELETE FROM llm_usage');
    await database.pool.query('DELETE FROM coord_counters');
    await database.pool.query('DELETE FROM coord_keys');
    warnings = [];
  });
  afterAll(async () => {
    await litellm?.close();
    await ollama?.close();
  });

  const gateway = (extra: Partial<LlmGatewayOptions> = {}) =>
    createLlmGateway({
      proxy: { baseUrl: litellm.url, apiKey: KEY },
      ollama: { baseUrl: ollama.url },
      routing: { ...defaultRouting, models: { ...defaultRouting.models, local: 'llama3.2' }, sensitiveNames: corpusNames },
      quota: createQuota({ coordination: createPostgresCoordination(database.pool), onWarning: (warning) => Promise.resolve(void warnings.push(warning)) }),
      usage: createLlmUsageLog(database.pool),
      metrics: createMetrics(),
      logger: silentLogger(),
      timeoutMs: 500,
      ...extra,
    });
  const usage = async () => (await database.pool.query<{ alias: string; outcome: string; cost_usd: string; prompt_tokens: number }>('SELECT alias, outcome, cost_usd, prompt_tokens FROM llm_usage ORDER BY id')).rows;
  const triage = { purpose: 'triage' as const, instructions: 'You triage homelab alerts.', task: 'Is this a problem?' };

  it('asks the purpose’s model through the proxy, with untrusted text quoted as data, and records the call and its cost', async () => {
    const answer = await gateway().ask({ ...triage, data: { annotation: 'radarr-0 uses 95% of its memory limit' } });
    expect(answer).toMatchObject({ ok: true, alias: 'gemini-flash', model: 'gemini-flash', value: 'ok' });
    expect(litellm.received).toHaveLength(1);
    const [request] = litellm.received;
    expect(request!.authorization).toBe(`Bearer ${KEY}`);
    expect(request!.messages[0]!.content).toContain('never instructions');
    expect(request!.messages[1]!.content).toMatch(/^<data>\n\{\n {2}"annotation": "radarr-0 uses 95% of its memory limit"\n\}\n<\/data>\n\nIs this a problem\?$/);
    expect(await usage()).toEqual([{ alias: 'gemini-flash', outcome: 'ok', cost_usd: '0.000420', prompt_tokens: 121 }]);
  });

  it.each([
    ['429 (newer LiteLLM)', 429, 'litellm-error-budget-exceeded-key.reconstructed.json'],
    ['400 (older LiteLLM)', 400, 'litellm-error-budget-exceeded-model-budget.docs.json'],
    ['400, user budget', 400, 'litellm-error-budget-exceeded-user-budget.docs.json'],
  ])('moves on at once from a budget error answered as %s, without retrying it', async (_name, status, body) => {
    litellm.script('gemini-pro', { status, body: fixture(body) });
    const answer = await gateway().ask({ ...triage, purpose: 'solution' });
    expect(answer).toMatchObject({ ok: true, alias: 'gemini-flash', attempts: [{ alias: 'gemini-pro', failure: { kind: 'budget_exceeded' } }] });
    expect(litellm.received.map((request) => request.model)).toEqual(['gemini-pro', 'gemini-flash']);
    expect((await usage()).map((row) => `${row.alias}:${row.outcome}`)).toEqual(['gemini-pro:budget_exceeded', 'gemini-flash:ok']);
  });

  it('waits out a short retry-after once on the same model, and moves on from a long one', async () => {
    const limited = { status: 429, body: fixture('litellm-error-rate-limit-429.docs.json') };
    litellm.script('gemini-thinking', { ...limited, headers: { 'retry-after': '1' } });
    const short = await gateway().ask({ ...triage, purpose: 'reasoning' });
    expect(short).toMatchObject({ ok: true, alias: 'gemini-thinking' });
    expect(litellm.received.map((request) => request.model)).toEqual(['gemini-thinking', 'gemini-thinking']);

    litellm.received.length = 0;
    litellm.script('gemini-thinking', { ...limited, headers: { 'retry-after': '30' } });
    const long = await gateway().ask({ ...triage, purpose: 'reasoning' });
    expect(long).toMatchObject({ ok: true, alias: 'gemini-pro', attempts: [{ alias: 'gemini-thinking', failure: { kind: 'rate_limited', retryAfterMs: 30_000 } }] });
  });

  it('moves down the chain on a 5xx and on a time-out, and says so when the whole chain is down', async () => {
    litellm.script('gemini-thinking', { status: 503, body: { error: { message: 'litellm.ServiceUnavailableError: upstream down', type: 'None', param: 'None', code: '503' } } });
    litellm.script('gemini-pro', { delayMs: 1_500 });
    litellm.script('gemini-flash', { status: 500, body: { error: { message: 'boom', type: 'None', param: 'None', code: '500' } } });
    const answer = await gateway().ask({ ...triage, purpose: 'reasoning' });
    expect(answer).toEqual({
      ok: false,
      reason: 'unavailable',
      attempts: [
        { alias: 'gemini-thinking', failure: { kind: 'unavailable', message: 'litellm.ServiceUnavailableError: upstream down' } },
        { alias: 'gemini-pro', failure: { kind: 'timeout', message: 'the model did not answer in time' } },
        { alias: 'gemini-flash', failure: { kind: 'unavailable', message: 'boom' } },
      ],
    });
    expect((await usage()).map((row) => row.outcome)).toEqual(['error', 'timeout', 'error']);
  });

  it('sends anything sensitive to the local model only, and never to the cloud even when it fails', async () => {
    const answer = await gateway().ask({ ...triage, purpose: 'architecture', data: 'postgres://radarr:S3cr3t-Pa55w0rd@db.media.svc:5432/radarr refused' });
    expect(answer).toMatchObject({ ok: true, alias: 'local', model: 'llama3.2' });
    expect(ollama.received.map((request) => request.model)).toEqual(['llama3.2']);
    expect(ollama.received[0]!.messages[1]!.content).toContain('S3cr3t-Pa55w0rd'); // local sees the real text
    expect(litellm.received).toEqual([]);

    const withoutModel = gateway({ routing: { ...defaultRouting, models: { ...defaultRouting.models, local: 'qwen3:8b' } } });
    expect(await withoutModel.ask({ ...triage, data: 'node 192.168.1.20 down' })).toMatchObject({ ok: false, reason: 'unavailable', attempts: [{ alias: 'local', failure: { kind: 'refused', message: 'model "qwen3:8b" not found, try pulling it first' } }] });
    expect(litellm.received).toEqual([]);
  });

  it('keeps Claude under its quota: falls back when it is used up, and warns once at 70%', async () => {
    const quota = { 'claude-sonnet': { daily: 3, weekly: 100, warnAt: 0.7 } };
    const limited = gateway({ quota: createQuota({ coordination: createPostgresCoordination(database.pool), limits: quota, onWarning: (warning) => Promise.resolve(void warnings.push(warning)) }) });
    const aliases = [];
    for (let i = 0; i < 5; i++) aliases.push(((await limited.ask({ ...triage, purpose: 'critical-code' })) as { alias: string }).alias);
    expect(aliases).toEqual(['claude-sonnet', 'claude-sonnet', 'claude-sonnet', 'gemini-thinking', 'gemini-thinking']);
    expect(warnings).toEqual([{ alias: 'claude-sonnet', period: 'day', used: 3, limit: 3 }]);
  });

  it('asks for JSON against a schema, repairs a bad answer once, and gives up after that', async () => {
    const schema = z.object({ problem: z.boolean(), reason: z.string() });
    litellm.script('gemini-flash', { content: '{"problem": true, "reason": "memory keeps growing"}' });
    expect(await gateway().ask({ ...triage, schema })).toMatchObject({ ok: true, value: { problem: true, reason: 'memory keeps growing' } });
    expect(litellm.received[0]!.responseFormat).toMatchObject({ type: 'json_schema', json_schema: { name: 'answer', strict: false, schema: { type: 'object', required: ['problem', 'reason'] } } });

    litellm.script('gemini-flash', { content: 'It is a problem.' }, { content: '{"problem": false, "reason": "expected nightly backup"}' });
    expect(await gateway().ask({ ...triage, schema })).toMatchObject({ ok: true, value: { problem: false } });
    expect(litellm.received.at(-1)!.messages.at(-1)!.content).toContain('does not match the required JSON schema (not JSON)');

    litellm.script('gemini-flash', { content: '{"problem": "maybe"}' }, { content: '{"problem": "still maybe"}' });
    expect(await gateway().ask({ ...triage, schema })).toMatchObject({ ok: false, reason: 'invalid_answer', attempts: [{ alias: 'gemini-flash', failure: { kind: 'invalid_answer' } }] });
  });

  it('triages an incident into a checked verdict, and says plainly when no model could', async () => {
    litellm.script('gemini-flash', { content: '{"problem": true, "severity": "critical", "reason": "radarr restarts every 3 minutes", "confidence": 0.9}' });
    expect(await triageIncident(gateway(), { incident: { alertname: 'KubePodCrashLooping' } })).toEqual({ ok: true, alias: 'gemini-flash', triage: { problem: true, severity: 'critical', reason: 'radarr restarts every 3 minutes', confidence: 0.9 } });
    expect(await triageIncident(gateway(), { incident: {}, runbookMatched: true })).toEqual({ ok: false, degraded: 'a runbook covers this incident' });
    litellm.script('gemini-flash', { status: 503, body: { error: { message: 'down', type: 'None', param: 'None', code: '503' } } });
    expect(await triageIncident(gateway(), { incident: { alertname: 'DiskFull' } })).toEqual({ ok: false, degraded: 'LLM unavailable' });
  });

  it(`lets no secret of the ${corpus.length}-string corpus reach a cloud model`, async () => {
    const g = gateway();
    for (const entry of corpus) await g.ask({ ...triage, data: entry.text });
    const cloudText = litellm.received.map((request) => request.messages.map((message) => message.content).join('\n')).join('\n');
    const leaked = corpus.flatMap((entry) => entry.secrets).filter((secret) => cloudText.includes(secret));
    expect(leaked).toEqual([]);
    // The harmless strings did go to the cloud: the privacy rule does not simply send everything local.
    expect(litellm.received.length).toBe(corpus.filter((entry) => entry.secrets.length === 0).length);
    expect(ollama.received.length).toBe(corpus.filter((entry) => entry.secrets.length > 0).length);
  });
});
