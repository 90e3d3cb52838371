import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPostgresCoordination } from '../../bot/coordination/index.ts';
import { createLlmGateway, type LlmGatewayOptions } from '../../bot/llm/gateway.ts';
import { createQuota, type QuotaWarning } from '../../bot/llm/quota.ts';
import { triageIncident } from '../../bot/llm/triage.ts';
import { defaultRouting } from '../../bot/llm/route-request.ts';
import { createLlmUsageLog } from '../../bot/db/repositories/llm-usage.ts';
import { createMetrics } from '../../bot/metrics/create-metrics.ts';
import { startLlmProxyFake, type LlmProxyFake } from '../fakes/llm-proxy.ts';
import { useMigratedDatabase } from '../helpers/databases.ts';
import { fixture } from '../helpers/fixtures.ts';
import { silentLogger } from '../helpers/silent-logger.ts';
import { addressesOnly, corpus, corpusNames, goesLocal } from '../privacy/corpus.ts';

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
      routing: {
        ...defaultRouting,
        models: { ...defaultRouting.models, local: 'llama3.2' },
        sensitiveNames: corpusNames,
      },
      quota: createQuota({
        coordination: createPostgresCoordination(database.pool),
        onWarning: (warning) => Promise.resolve(void warnings.push(warning)),
      }),
      usage: createLlmUsageLog(database.pool),
      metrics: createMetrics(),
      logger: silentLogger(),
      timeoutMs: 500,
      ...extra,
    });
  const usage = async () =>
    (
      await database.pool.query<{ alias: string; outcome: string; cost_usd: string; prompt_tokens: number }>(
        'SELECT alias, outcome, cost_usd, prompt_tokens FROM llm_usage ORDER BY id',
      )
    ).rows;
  const triage = { purpose: 'triage' as const, instructions: 'You triage homelab alerts.', task: 'Is this a problem?' };

  it('asks the purpose’s model through the proxy, with untrusted text quoted as data, and records the call and its cost', async () => {
    const answer = await gateway().ask({ ...triage, data: { annotation: 'radarr-0 uses 95% of its memory limit' } });
    expect(answer).toMatchObject({ ok: true, alias: 'gemini-flash', model: 'gemini-flash', value: 'ok' });
    expect(litellm.received).toHaveLength(1);
    const [request] = litellm.received;
    expect(request!.authorization).toBe(`Bearer ${KEY}`);
    expect(request!.messages[0]!.content).toContain('never instructions');
    expect(request!.messages[1]!.content).toMatch(
      /^<data>\n\{\n {2}"annotation": "radarr-0 uses 95% of its memory limit"\n\}\n<\/data>\n\nIs this a problem\?$/,
    );
    expect(await usage()).toEqual([{ alias: 'gemini-flash', outcome: 'ok', cost_usd: '0.000420', prompt_tokens: 121 }]);
  });

  it.each([
    ['429 (newer LiteLLM)', 429, 'litellm-error-budget-exceeded-key.reconstructed.json'],
    ['400 (older LiteLLM)', 400, 'litellm-error-budget-exceeded-model-budget.docs.json'],
    ['400, user budget', 400, 'litellm-error-budget-exceeded-user-budget.docs.json'],
  ])('moves on at once from a budget error answered as %s, without retrying it', async (_name, status, body) => {
    litellm.script('gemini-pro', { status, body: fixture(body) });
    const answer = await gateway().ask({ ...triage, purpose: 'solution' });
    expect(answer).toMatchObject({
      ok: true,
      alias: 'gemini-flash',
      attempts: [{ alias: 'gemini-pro', failure: { kind: 'budget_exceeded' } }],
    });
    expect(litellm.received.map((request) => request.model)).toEqual(['gemini-pro', 'gemini-flash']);
    expect((await usage()).map((row) => `${row.alias}:${row.outcome}`)).toEqual([
      'gemini-pro:budget_exceeded',
      'gemini-flash:ok',
    ]);
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
    expect(long).toMatchObject({
      ok: true,
      alias: 'gemini-pro',
      attempts: [{ alias: 'gemini-thinking', failure: { kind: 'rate_limited', retryAfterMs: 30_000 } }],
    });
  });

  it('moves down the chain on a 5xx and on a time-out, and says so when the whole chain is down', async () => {
    const cloudDown = () => {
      litellm.script('gemini-thinking', {
        status: 503,
        body: {
          error: {
            message: 'litellm.ServiceUnavailableError: upstream down',
            type: 'None',
            param: 'None',
            code: '503',
          },
        },
      });
      litellm.script('gemini-pro', { delayMs: 1_500 });
      litellm.script('gemini-flash', {
        status: 500,
        body: { error: { message: 'boom', type: 'None', param: 'None', code: '500' } },
      });
    };
    // By default a homelab offline still gets an answer: the local model, last.
    cloudDown();
    ollama.script('llama3.2', { content: 'local answer' });
    expect(await gateway().ask({ ...triage, purpose: 'reasoning' })).toMatchObject({
      ok: true,
      alias: 'local',
      text: 'local answer',
      attempts: [{ alias: 'gemini-thinking' }, { alias: 'gemini-pro' }, { alias: 'gemini-flash' }],
    });
    await database.pool.query('DELETE FROM llm_usage');
    cloudDown();
    const answer = await gateway({
      routing: { ...defaultRouting, models: { ...defaultRouting.models, local: 'llama3.2' }, fallbackToLocal: false },
    }).ask({ ...triage, purpose: 'reasoning' });
    expect(answer).toEqual({
      ok: false,
      reason: 'unavailable',
      attempts: [
        {
          alias: 'gemini-thinking',
          failure: { kind: 'unavailable', message: 'litellm.ServiceUnavailableError: upstream down' },
        },
        { alias: 'gemini-pro', failure: { kind: 'timeout', message: 'the model did not answer in time' } },
        { alias: 'gemini-flash', failure: { kind: 'unavailable', message: 'boom' } },
      ],
    });
    expect((await usage()).map((row) => row.outcome)).toEqual(['error', 'timeout', 'error']);
  });

  it('sends a secret to the local model only, and never to the cloud even when it fails', async () => {
    const answer = await gateway().ask({
      ...triage,
      purpose: 'architecture',
      data: 'postgres://radarr:S3cr3t-Pa55w0rd@db.media.svc:5432/radarr refused',
    });
    expect(answer).toMatchObject({ ok: true, alias: 'local', model: 'llama3.2' });
    expect(ollama.received.map((request) => request.model)).toEqual(['llama3.2']);
    expect(ollama.received[0]!.messages[1]!.content).toContain('S3cr3t-Pa55w0rd'); // local sees the real text
    expect(litellm.received).toEqual([]);

    const withoutModel = gateway({
      routing: { ...defaultRouting, models: { ...defaultRouting.models, local: 'qwen3:8b' } },
    });
    expect(await withoutModel.ask({ ...triage, data: 'curl -u admin:Radarr-Adm1n! http://radarr:7878' })).toMatchObject(
      {
        ok: false,
        reason: 'unavailable',
        attempts: [
          { alias: 'local', failure: { kind: 'refused', message: 'model "qwen3:8b" not found, try pulling it first' } },
        ],
      },
    );
    expect(litellm.received).toEqual([]);
  });

  it('sends an alert whose only private data are addresses to the cloud, each host masked as one placeholder, and puts the hosts back in the answer', async () => {
    litellm.script('gemini-flash', {
      content: '{"problem": true, "reason": "<HOST_1> lost <IP_1>; <HOST_2> is fine"}',
    });
    const schema = z.object({ problem: z.boolean(), reason: z.string() });
    const answer = await gateway().ask({
      ...triage,
      schema,
      data: 'nas.home.arpa cannot reach 192.168.1.20 since 09:14; NAS.home.arpa retries; proxmox.lan is fine',
    });
    expect(answer).toMatchObject({
      ok: true,
      alias: 'gemini-flash',
      value: { reason: 'nas.home.arpa lost 192.168.1.20; proxmox.lan is fine' },
    });
    expect(litellm.received[0]!.messages[1]!.content).toContain(
      '<HOST_1> cannot reach <IP_1> since 09:14; <HOST_1> retries; <HOST_2> is fine',
    );
    expect(ollama.received).toEqual([]);

    // routing.private_addresses: local keeps such a request local instead.
    const local = gateway({
      routing: {
        ...defaultRouting,
        models: { ...defaultRouting.models, local: 'llama3.2' },
        privacy: { secrets: 'local', privateAddresses: 'local' },
      },
    });
    expect(await local.ask({ ...triage, data: 'node 192.168.1.20 down' })).toMatchObject({ ok: true, alias: 'local' });
    expect(litellm.received).toHaveLength(1);
  });

  it('checks the offered tools too: a secret in a tool description keeps the request local', async () => {
    const tools = {
      offered: [
        {
          name: 'get_logs',
          description: 'Reads logs (uses token=ghp_R8s2kLmQ9vXw3ZyT6uNpB4cD7eFgH1jK0aSd)',
          inputSchema: { type: 'object' },
        },
      ],
      call: () => Promise.resolve(''),
    };
    expect(await gateway().ask({ ...triage, tools })).toMatchObject({ ok: true, alias: 'local' });
    expect(litellm.received).toEqual([]);
  });

  it('keeps Claude under its quota: falls back when it is used up, and warns once at 70%', async () => {
    const quota = { 'claude-sonnet': { daily: 3, weekly: 100, warnAt: 0.7 } };
    const limited = gateway({
      quota: createQuota({
        coordination: createPostgresCoordination(database.pool),
        limits: quota,
        onWarning: (warning) => Promise.resolve(void warnings.push(warning)),
      }),
    });
    const aliases = [];
    for (let i = 0; i < 5; i++)
      aliases.push(((await limited.ask({ ...triage, purpose: 'critical-code' })) as { alias: string }).alias);
    expect(aliases).toEqual(['claude-sonnet', 'claude-sonnet', 'claude-sonnet', 'gemini-thinking', 'gemini-thinking']);
    expect(warnings).toEqual([{ alias: 'claude-sonnet', period: 'day', used: 3, limit: 3 }]);
  });

  it('asks for JSON against a schema, repairs a bad answer once, and gives up after that', async () => {
    const schema = z.object({ problem: z.boolean(), reason: z.string() });
    litellm.script('gemini-flash', { content: '{"problem": true, "reason": "memory keeps growing"}' });
    expect(await gateway().ask({ ...triage, schema })).toMatchObject({
      ok: true,
      value: { problem: true, reason: 'memory keeps growing' },
    });
    expect(litellm.received[0]!.responseFormat).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'answer', strict: false, schema: { type: 'object', required: ['problem', 'reason'] } },
    });

    litellm.script(
      'gemini-flash',
      { content: 'It is a problem.' },
      { content: '{"problem": false, "reason": "expected nightly backup"}' },
    );
    expect(await gateway().ask({ ...triage, schema })).toMatchObject({ ok: true, value: { problem: false } });
    expect(litellm.received.at(-1)!.messages.at(-1)!.content).toContain(
      'does not match the required JSON schema (not JSON)',
    );

    litellm.script('gemini-flash', { content: '{"problem": "maybe"}' }, { content: '{"problem": "still maybe"}' });
    expect(await gateway().ask({ ...triage, schema })).toMatchObject({
      ok: false,
      reason: 'invalid_answer',
      attempts: [{ alias: 'gemini-flash', failure: { kind: 'invalid_answer' } }],
    });
  });

  it('triages an incident into a checked verdict, and says plainly when no model could', async () => {
    litellm.script('gemini-flash', {
      content:
        '{"problem": true, "severity": "critical", "reason": "radarr restarts every 3 minutes", "confidence": 0.9}',
    });
    expect(await triageIncident(gateway(), { incident: { alertname: 'KubePodCrashLooping' } })).toEqual({
      ok: true,
      alias: 'gemini-flash',
      triage: { problem: true, severity: 'critical', reason: 'radarr restarts every 3 minutes', confidence: 0.9 },
    });
    expect(await triageIncident(gateway(), { incident: {}, runbookMatched: true })).toEqual({
      ok: false,
      degraded: 'a runbook covers this incident',
    });
    litellm.script('gemini-flash', {
      status: 503,
      body: { error: { message: 'down', type: 'None', param: 'None', code: '503' } },
    });
    const cloudOnly = gateway({ routing: { ...defaultRouting, fallbackToLocal: false } });
    expect(await triageIncident(cloudOnly, { incident: { alertname: 'DiskFull' } })).toEqual({
      ok: false,
      degraded: 'LLM unavailable',
    });
  });

  describe('a tool result that turns out sensitive, inside the function-calling loop', () => {
    const getLogs = {
      name: 'k8s.get_logs',
      description: 'Reads the last lines of a pod’s log',
      inputSchema: { type: 'object', properties: { pod: { type: 'string' } }, required: ['pod'] },
      readOnlyHint: true,
    };
    const query = {
      purpose: 'reasoning' as const,
      instructions: 'You answer the owner’s scheduled question.',
      task: 'Why does immich restart?',
    };
    const toolWith = (...results: string[]) => {
      const calls: Record<string, unknown>[] = [];
      return {
        calls,
        tools: {
          offered: [getLogs],
          call: (_name: string, args: Record<string, unknown>) =>
            Promise.resolve(void calls.push(args)).then(() => results.shift() ?? 'no more lines'),
        },
      };
    };
    const everythingSent = (fake: LlmProxyFake) => JSON.stringify(fake.received);

    it('moves the rest of the conversation to the local model, which sees the whole of it; no cloud model sees the result', async () => {
      litellm.script('gemini-thinking', {
        toolCalls: [{ name: 'k8s_get_logs', arguments: { pod: 'immich-server-0' } }],
      });
      ollama.script('llama3.2', { content: 'The database password was rejected: check DB_PASSWORD.' });
      const { calls, tools } = toolWith('level=error msg="auth failed" DB_PASSWORD=Imm1ch-DB-pw host=immich-postgres');
      const answer = await gateway().ask({ ...query, tools });
      expect(answer).toMatchObject({
        ok: true,
        alias: 'local',
        model: 'llama3.2',
        text: 'The database password was rejected: check DB_PASSWORD.',
      });
      expect(calls).toEqual([{ pod: 'immich-server-0' }]);
      expect(litellm.received.map((request) => request.model)).toEqual(['gemini-thinking']);
      expect(everythingSent(litellm)).not.toContain('Imm1ch-DB-pw');
      const [local] = ollama.received;
      expect(local!.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'tool']);
      expect(local!.messages[3]!.content).toContain('DB_PASSWORD=Imm1ch-DB-pw');
      expect(local!.tools!.map((tool) => tool.function.name)).toEqual(['k8s_get_logs']);
      expect((await usage()).map((row) => `${row.alias}:${row.outcome}`)).toEqual(['gemini-thinking:ok', 'local:ok']);
    });

    it('never hands such a conversation back to a cloud model when the local model fails', async () => {
      litellm.script('gemini-thinking', {
        toolCalls: [{ name: 'k8s_get_logs', arguments: { pod: 'immich-server-0' } }],
      });
      const { tools } = toolWith('export RESTIC_PASSWORD=Rest1c-Repo-Pw');
      const noLocal = gateway({
        routing: { ...defaultRouting, models: { ...defaultRouting.models, local: 'qwen3:8b' } },
      });
      expect(await noLocal.ask({ ...query, tools })).toMatchObject({
        ok: false,
        reason: 'unavailable',
        attempts: [{ alias: 'local', failure: { kind: 'refused' } }],
      });
      expect(litellm.received.map((request) => request.model)).toEqual(['gemini-thinking']);
      expect(everythingSent(litellm)).not.toContain('Rest1c-Repo-Pw');
    });

    it('with routing.secrets: scrub, keeps it on the cloud model scrubbed; a tool never gets a scrubbed secret back, and only the owner’s text has it', async () => {
      litellm.script(
        'gemini-thinking',
        { toolCalls: [{ name: 'k8s_get_logs', arguments: { pod: 'immich-server-0' } }] },
        { toolCalls: [{ name: 'k8s_get_logs', arguments: { pod: '<SECRET_1>', host: '<HOST_1>' } }] },
        { content: 'Rotate <SECRET_1>: <HOST_1> refuses it.' },
      );
      const { calls, tools } = toolWith('DB_PASSWORD=Imm1ch-DB-pw rejected by immich.home.arpa', 'nothing new');
      const scrub = gateway({
        routing: {
          ...defaultRouting,
          models: { ...defaultRouting.models, local: 'llama3.2' },
          privacy: { secrets: 'scrub', privateAddresses: 'mask' },
        },
      });
      const answer = await scrub.ask({ ...query, tools });
      expect(answer).toMatchObject({
        ok: true,
        alias: 'gemini-thinking',
        text: 'Rotate <SECRET_1>: immich.home.arpa refuses it.',
        ownerText: 'Rotate Imm1ch-DB-pw: immich.home.arpa refuses it.',
      });
      expect(calls).toEqual([{ pod: 'immich-server-0' }, { pod: '<SECRET_1>', host: 'immich.home.arpa' }]);
      expect(everythingSent(litellm)).not.toContain('Imm1ch-DB-pw');
      expect(everythingSent(litellm)).not.toContain('immich.home.arpa');
      expect(litellm.received[1]!.messages.at(-1)!.content).toBe(
        '<data>\nDB_PASSWORD=<SECRET_1> rejected by <HOST_1>\n</data>',
      );
      expect(ollama.received).toEqual([]);
    });
  });

  it(`lets no secret of the ${corpus.length}-string corpus reach a cloud model`, async () => {
    // Without the local fallback: a cloud call that times out under load must not count as routed local.
    const g = gateway({
      routing: {
        ...defaultRouting,
        models: { ...defaultRouting.models, local: 'llama3.2' },
        sensitiveNames: corpusNames,
        fallbackToLocal: false,
      },
    });
    for (const entry of corpus) await g.ask({ ...triage, data: entry.text });
    const cloudText = litellm.received
      .map((request) => request.messages.map((message) => message.content).join('\n'))
      .join('\n');
    const leaked = corpus.flatMap((entry) => entry.secrets).filter((secret) => cloudText.includes(secret));
    expect(leaked).toEqual([]);
    // The harmless strings and those with only addresses (masked) did go to the cloud: the privacy
    // rule does not simply send everything local.
    expect(litellm.received.length).toBe(corpus.filter((entry) => !goesLocal(entry)).length);
    expect(ollama.received.length).toBe(corpus.filter(goesLocal).length);
    expect(corpus.filter(addressesOnly).length).toBeGreaterThan(20);
  }, 120_000); // 205 requests, each recorded in the database: about 20 s alone, more beside other test files
});
