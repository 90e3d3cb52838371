import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresCoordination } from '../../bot/coordination/index.ts';
import { createLlmGateway } from '../../bot/llm/gateway.ts';
import { createQuota } from '../../bot/llm/quota.ts';
import { defaultRouting } from '../../bot/llm/route-request.ts';
import { createLlmUsageLog } from '../../bot/db/repositories/llm-usage.ts';
import { createMcpHub, type McpHub } from '../../bot/mcp/mcp-hub.ts';
import { createMetrics } from '../../bot/metrics/create-metrics.ts';
import { queryTools } from '../../bot/schedules/query-tools.ts';
import { readSchedules } from '../../bot/schedules/schedule-config.ts';
import { scheduledJobs } from '../../bot/schedules/scheduled-jobs.ts';
import type { OutgoingNotice } from '../../graphs/chat-port.ts';
import { startLlmProxyFake, type LlmProxyFake } from '../fakes/llm-proxy.ts';
import { useMigratedDatabase } from '../helpers/databases.ts';
import { mcpTestServer } from '../helpers/mcp-test-server-config.ts';
import { silentLogger } from '../helpers/silent-logger.ts';
import { readMcpCalls } from '../helpers/mcp-calls.ts';

const KEY = 'sk-litellm-virtual-key-0123456789';
const policy = { redlines: ['delete_*', 'scale_*'], readOnly: ['get_*'] };

/**
 * A scheduled query that gathers facts through MCP: the real gateway against the LiteLLM fake (which
 * answers with OpenAI tool calls), the real MCP client and the stdio test server. Only read-only tools
 * are offered, only those run, and what they return reaches the model as data.
 */
describe('scheduled queries with read-only MCP tools', () => {
  const database = useMigratedDatabase();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'steward-query-tools-'));
  const log = path.join(dir, 'calls.jsonl');
  let litellm: LlmProxyFake;
  let hub: McpHub;
  let posted: { notice: OutgoingNotice; key: string }[];

  beforeAll(async () => {
    writeFileSync(
      path.join(dir, 'apps.json'),
      JSON.stringify({ 'media-sonarr': { health: 'Healthy', sync: 'Synced', revision: 'a'.repeat(40) } }),
    );
    hub = createMcpHub({
      servers: [
        {
          name: 'k8s',
          command: process.execPath,
          args: ['--import', 'tsx', mcpTestServer],
          env: { MCP_CALL_LOG: log, ARGOCD_APPS: path.join(dir, 'apps.json') },
        },
      ],
      logger: silentLogger(),
    });
    await hub.start();
  });
  beforeEach(async () => {
    await litellm?.close();
    litellm = await startLlmProxyFake({ flavour: 'litellm', apiKey: KEY, models: ['gemini-pro', 'gemini-flash'] });
    posted = [];
  });
  afterAll(async () => {
    await hub?.stop();
    await litellm?.close();
  });

  const run = async (entry: Record<string, unknown>) => {
    const gateway = createLlmGateway({
      proxy: { baseUrl: litellm.url, apiKey: KEY },
      routing: defaultRouting,
      quota: createQuota({
        coordination: createPostgresCoordination(database.pool),
        onWarning: () => Promise.resolve(),
      }),
      usage: createLlmUsageLog(database.pool),
      metrics: createMetrics(),
      logger: silentLogger(),
    });
    const [query] = readSchedules([entry]);
    const jobs = scheduledJobs(
      {
        pool: database.pool,
        llm: gateway,
        post: (notice, key) => Promise.resolve(void posted.push({ notice, key })),
        channels: ['signal'],
        reportInputs: () =>
          Promise.resolve({ runbooks: { total: 0, createdBetween: () => 0 }, autonomyMode: 'learning' }),
        autonomyMode: 'learning',
        weeklyCron: '0 9 * * 1',
        dailyCron: '0 8 * * *',
        toolsFor: (wanted) => queryTools(wanted.tools, hub.tools(), policy, (name, args) => hub.call(name, args)),
      },
      [query!],
    );
    await jobs.find((job) => job.id === `schedule:${query!.id}`)!.run(new Date('2026-11-23T08:00:00Z'));
  };
  const calls = () => readMcpCalls(log);

  it('offers only read-only tools, runs only those the model may call, and answers from what they returned', async () => {
    litellm.script(
      'gemini-pro',
      {
        toolCalls: [
          { name: 'get_application', arguments: { applicationName: 'media-sonarr' } },
          { name: 'restart_pod', arguments: { name: 'radarr-0', namespace: 'media' } },
        ],
      },
      {
        toolCalls: [
          { name: 'list_pods', arguments: { namespace: 'media' } },
          { name: 'get_application', arguments: { app: 'wrong argument' } },
        ],
      },
      {
        content: 'sonarr is Healthy and Synced; radarr-0 is in CrashLoopBackOff (14 restarts): look at its logs first.',
      },
    );
    await run({
      id: 'media-health',
      schedule: '0 9 * * 1',
      prompt: 'Is the media stack healthy?',
      model: 'gemini-pro',
      tools: ['get_application', 'list_pods', 'restart_pod', 'scale_deployment'],
    });

    // Offered: get_application (policy.read_only get_*) and list_pods (readOnlyHint). restart_pod is not
    // read-only and scale_deployment is redlined: neither is even shown.
    const [first, second, third] = litellm.received;
    expect(first!.tools!.map((tool) => tool.function.name).sort()).toEqual(['get_application', 'list_pods']);
    expect(first!.toolChoice).toBe('auto');
    expect(first!.messages[0]!.content).toContain('You may call the read-only tools offered');

    // The results went back as quoted data; the call the model was not offered was refused, not run.
    const results = second!.messages.filter((message) => message.role === 'tool');
    expect(results).toHaveLength(2);
    expect(results[0]!.content).toMatch(/^<data>\n\{"metadata":\{"name":"media-sonarr"/);
    expect(results[0]!.content).toContain('"health":{"status":"Healthy"}');
    expect(results[1]!.content).toBe('<data>\nRefused: restart_pod: not one of the read-only tools offered.\n</data>');
    const later = third!.messages.filter((message) => message.role === 'tool').slice(2);
    expect(later[0]!.content).toContain('radarr-0    0/1     CrashLoopBackOff');
    expect(later[1]!.content).toMatch(/^<data>\nRefused: get_application: arguments do not match the tool's schema/);

    expect(calls().map((call) => call.tool)).toEqual(['get_application', 'list_pods']);
    expect(posted).toEqual([
      {
        notice: {
          kind: 'notice',
          title: '🗓 media-health',
          body: '│ sonarr is Healthy and Synced; radarr-0 is in CrashLoopBackOff (14 restarts): look at its logs first.',
        },
        key: 'schedule:media-health:2026-11-23T08:00:00.000Z',
      },
    ]);
  });

  it('stops offering tools after four rounds and makes the model answer', async () => {
    const before = calls().length;
    const loop = { toolCalls: [{ name: 'list_pods', arguments: { namespace: 'media' } }] };
    litellm.script('gemini-pro', loop, loop, loop, loop, { ...loop, content: 'Answer after the tools ran out.' });
    await run({
      id: 'looping',
      schedule: '0 9 * * 1',
      prompt: 'Keep looking',
      model: 'gemini-pro',
      tools: ['list_pods'],
    });
    expect(litellm.received.map((request) => request.toolChoice)).toEqual(['auto', 'auto', 'auto', 'auto', 'none']);
    expect(calls().length - before).toBe(4);
    expect(posted[0]!.notice.body).toBe('│ Answer after the tools ran out.');
  });

  it('asks without tools when the query names none, and names none it cannot use', async () => {
    await run({ id: 'plain', schedule: '0 9 * * 1', prompt: 'What is new in UniFi?', model: 'gemini-pro' });
    await run({
      id: 'nothing-usable',
      schedule: '0 9 * * 1',
      prompt: 'Scale things',
      model: 'gemini-pro',
      tools: ['scale_deployment', 'no_such_tool'],
    });
    expect(litellm.received.map((request) => request.tools)).toEqual([undefined, undefined]);
    expect(posted).toHaveLength(2);
  });
});
