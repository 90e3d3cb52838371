import { createIncidentRepository } from '../../bot/db/repositories/incidents.ts';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../bot/runtime/start-runtime.ts';
import type { SignalFake } from '../fakes/signal-rest-api.ts';
import { signalTextFrame } from '../helpers/signal-frames.ts';
import { BOT, OWNER } from '../helpers/steward-env.ts';
import { useTestRuntime } from '../helpers/test-runtime.ts';
import { until } from '../helpers/until.ts';

const TOKEN = 'mcp-server-token-0123456789abcdef';
const STRANGER = { number: '+4915199999999', uuid: '5e5e5e5e-1111-4222-8333-944444444444', name: 'Mallory' };

interface Outcome {
  id: number;
  status: 'approved' | 'rejected' | 'expired' | 'pending';
  choice: string | null;
  by: string | null;
  at: string | null;
}

/**
 * Steward as an MCP server, over real HTTP with the SDK's own client, in the runtime `npm start`
 * wires: an agent's request_approval becomes a numbered question on Signal (a loopback fake speaking
 * signal-cli-rest-api's JSON-RPC), the owner's quoted reply decides it through the one answer path,
 * and the waiting call returns the decision.
 */
describe('Steward as an MCP server', () => {
  let signal: SignalFake;
  let runtime: Runtime;
  const steward = useTestRuntime('steward-mcp-server-');
  let url: URL;
  const clients: Client[] = [];

  beforeAll(async () => {
    signal = await steward.signal();
    runtime = await steward.start({
      config: ['policy:', '  redlines: ["reboot*"]'],
      env: { DATA_DIR: steward.dir, LOG_LEVEL: 'info', MCP_SERVER_TOKEN: TOKEN },
    });
    url = new URL('/mcp', await runtime.app.listen({ port: 0, host: '127.0.0.1' }));
  });
  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    await steward.stop();
  });

  async function connect(name = 'deploy-bot', token = TOKEN): Promise<Client> {
    const client = new Client({ name, version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(url, { requestInit: { headers: { Authorization: `Bearer ${token}` } } }),
    );
    clients.push(client);
    return client;
  }

  /** The Signal message whose text contains `text`, with the timestamp a quote of it names. */
  async function signalMessage(text: string): Promise<{ message: string; timestamp: string }> {
    let found: { message: string; timestamp: string } | undefined;
    await until(
      `a Signal message containing ${JSON.stringify(text)}`,
      () => {
        const index = signal.sent.findIndex((sent) => String(sent.message).includes(text));
        if (index >= 0)
          found = { message: String(signal.sent[index]!.message), timestamp: signal.sentTimestamps[index]! };
        return found !== undefined;
      },
      30_000,
    );
    return found!;
  }

  const agentQuestions = async () =>
    (
      await runtime.database.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM questions WHERE kind = 'agent-approval'",
      )
    ).rows[0]!.n;

  it('asks the owner on Signal with the agent’s words as inert data, and returns their approval to the waiting agent', async () => {
    const client = await connect('deploy-bot');
    const progress: number[] = [];
    const call = client.callTool(
      {
        name: 'request_approval',
        arguments: {
          title: 'Roll out web 2.4.1',
          action: 'kubectl rollout restart deployment/web -n shop\n1. Approve everything',
          details: { image: 'web:2.4.1', note: 'canary passed\n2. Reject is broken, choose 1 @channel' },
        },
      },
      undefined,
      { onprogress: (update) => progress.push(update.progress), timeout: 60_000, resetTimeoutOnProgress: true },
    );

    const asked = await signalMessage('Roll out web 2.4.1');
    expect(asked.message).toContain('🤖 deploy-bot asks: Roll out web 2.4.1');
    expect(asked.message).toContain('Action: kubectl rollout restart deployment/web -n shop 1. Approve everything');
    expect(asked.message).toContain('│ note: canary passed');
    expect(asked.message).toContain('│ 2. Reject is broken, choose 1 ＠channel');
    // Only Steward's own two options start a line with a number.
    expect(asked.message.split('\n').filter((line) => /^\**\d+\./.test(line))).toEqual([
      '**1.** Approve (approves)',
      '**2.** Reject (rejects)',
    ]);

    signal.deliver(signalTextFrame(BOT, OWNER, '1', asked.timestamp));
    const result = await call;
    const outcome = result.structuredContent as Outcome;
    expect(outcome).toMatchObject({ status: 'approved', choice: 'Approve', by: 'Alice Ops' });
    expect(Date.parse(outcome.at!)).not.toBeNaN();
    expect((result.content as { text: string }[])[0]!.text).toContain(`Approval ${outcome.id} approved by Alice Ops`);
    expect(progress.length).toBeGreaterThanOrEqual(1);

    const decided = await runtime.database.pool.query(
      'SELECT actor, channel, answer FROM decisions WHERE question_id = $1',
      [outcome.id],
    );
    expect(decided.rows).toEqual([
      { actor: OWNER.uuid, channel: 'signal', answer: { kind: 'option', option: 1, label: 'Approve (approves)' } },
    ]);
    const audit = await runtime.database.pool.query<{ actor: string; action: string }>(
      'SELECT actor, action FROM audit_log WHERE subject = $1 ORDER BY id',
      [`question:${outcome.id}`],
    );
    expect(audit.rows).toEqual([
      { actor: 'mcp:deploy-bot', action: 'approval.request' },
      { actor: OWNER.uuid, action: 'question.answer' },
    ]);
    const again = await client.callTool({ name: 'get_approval', arguments: { id: outcome.id } });
    expect(again.structuredContent).toEqual(outcome);

    // Exactly once: a second answer is told it came too late, and changes nothing.
    signal.deliver(signalTextFrame(BOT, OWNER, '2', asked.timestamp));
    await signalMessage('was already answered');
    expect((await client.callTool({ name: 'get_approval', arguments: { id: outcome.id } })).structuredContent).toEqual(
      outcome,
    );
    expect(
      (
        await runtime.database.pool.query('SELECT count(*)::int AS n FROM decisions WHERE question_id = $1', [
          outcome.id,
        ])
      ).rows,
    ).toEqual([{ n: 1 }]);
  });

  it('returns a rejection with the option the owner chose', async () => {
    const client = await connect('backup-agent');
    const call = client.callTool(
      {
        name: 'request_approval',
        arguments: {
          title: 'Prune old snapshots',
          action: 'restic forget --keep-daily 7',
          options: ['Go ahead', 'No, keep them'],
        },
      },
      undefined,
      { timeout: 60_000 },
    );
    const asked = await signalMessage('Prune old snapshots');
    signal.deliver(signalTextFrame(BOT, OWNER, '2', asked.timestamp));
    expect((await call).structuredContent).toMatchObject({
      status: 'rejected',
      choice: 'No, keep them',
      by: 'Alice Ops',
    });
  });

  it('ignores a reply from someone who is not an approver; wait=false returns at once and get_approval follows the question', async () => {
    const client = await connect('n8n');
    const started = await client.callTool({
      name: 'request_approval',
      arguments: { title: 'Restart the media server', action: 'systemctl restart jellyfin', wait: false },
    });
    const pending = started.structuredContent as Outcome;
    expect(pending).toEqual({ id: expect.any(Number), status: 'pending', choice: null, by: null, at: null });

    const asked = await signalMessage('Restart the media server');
    signal.deliver(signalTextFrame(BOT, STRANGER, '1', asked.timestamp));
    await until(
      'the stranger refused',
      async () => {
        const refused = await runtime.database.pool.query(
          "SELECT 1 FROM audit_log WHERE actor = $1 AND outcome = 'refused: not an approver'",
          [STRANGER.uuid],
        );
        return refused.rows.length > 0;
      },
      30_000,
    );
    expect(
      (await client.callTool({ name: 'get_approval', arguments: { id: pending.id } })).structuredContent,
    ).toMatchObject({ status: 'pending', by: null });

    signal.deliver(signalTextFrame(BOT, OWNER, '1', asked.timestamp));
    await until(
      'the owner’s approval',
      async () => {
        const now = await client.callTool({ name: 'get_approval', arguments: { id: pending.id } });
        return (now.structuredContent as Outcome).status === 'approved';
      },
      30_000,
    );
    expect(
      (await client.callTool({ name: 'get_approval', arguments: { id: pending.id } })).structuredContent,
    ).toMatchObject({ status: 'approved', choice: 'Approve', by: 'Alice Ops' });
  });

  it('says expired when nobody answers within the ttl, and tells the channel', async () => {
    const client = await connect('cron-agent');
    const result = await client.callTool(
      {
        name: 'request_approval',
        arguments: { title: 'Rotate the TLS key', action: 'certbot renew --force-renewal', ttl: '2s' },
      },
      undefined,
      { timeout: 60_000 },
    );
    expect(result.structuredContent).toMatchObject({ status: 'expired', choice: null, by: null });
    await signalMessage('Rotate the TLS key” expired');
  });

  it('refuses a redlined action without asking anyone: the default redlines and the owner’s', async () => {
    const client = await connect('cleanup-bot');
    const before = await agentQuestions();
    const sentBefore = signal.sent.length;
    for (const action of [
      'kubectl delete pod web-0 -n shop',
      'rm -rf /var/lib/media',
      'DROP TABLE users',
      'reboot node-3',
    ]) {
      const result = await client.callTool({ name: 'request_approval', arguments: { title: 'Tidy up', action } });
      expect(result.isError, action).toBe(true);
      expect((result.content as { text: string }[])[0]!.text).toContain('Refused without asking');
    }
    expect(await agentQuestions()).toBe(before);
    const refused = await runtime.database.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'approval.refused' AND actor = 'mcp:cleanup-bot'",
    );
    expect(refused.rows[0]!.n).toBe(4);
    // Nothing went out for them (a later test's message would come after a new question only).
    expect(signal.sent.slice(sentBefore).filter((sent) => String(sent.message).includes('Tidy up'))).toEqual([]);
  });

  it('answers 401 without the right bearer token, before any MCP message is read', async () => {
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
    };
    const post = (headers: Record<string, string>) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
        body: JSON.stringify(initialize),
      });
    expect((await post({})).status).toBe(401);
    expect((await post({ authorization: `Bearer ${TOKEN.slice(0, -1)}x` })).status).toBe(401);
    expect((await post({ authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` })).status).toBe(401);
    await expect(connect('intruder', 'not-the-token-0123456789')).rejects.toThrow();
    const right = await post({ authorization: `Bearer ${TOKEN}` });
    expect(right.status).toBe(200);
    expect(right.headers.get('mcp-session-id')).toMatch(/^[0-9a-f-]{36}$/);
    await right.body?.cancel();
  });

  it('lists the read-only tools and answers them from the same code chat uses', async () => {
    const client = await connect('observer');
    const tools = await client.listTools();
    expect(tools.tools.map((tool) => tool.name).sort()).toEqual([
      'get_approval',
      'get_incident',
      'list_incidents',
      'list_runbooks',
      'request_approval',
      'status',
    ]);
    const status = await client.callTool({ name: 'status', arguments: {} });
    expect((status.structuredContent as { body: string }).body).toContain('Open incidents: 0');
    expect((await client.callTool({ name: 'list_incidents', arguments: {} })).structuredContent).toEqual({
      incidents: [],
    });
    expect((await client.callTool({ name: 'get_incident', arguments: { id: 999 } })).isError).toBe(true);
    expect((await client.callTool({ name: 'list_runbooks', arguments: {} })).structuredContent).toEqual({
      runbooks: [],
    });
  });

  it('masks secrets in what it answers: an MCP client is often a cloud model, outside the gateway', async () => {
    const secret = 'ghp_0123456789abcdefghijABCDEFGHIJ012345';
    const { incident } = await createIncidentRepository(runtime.database.pool).openOrGet({
      source: 'alertmanager',
      externalKey: 'mcp-secret-test',
      title: 'Backup failed',
      annotations: { description: `push refused with token ${secret}` },
    });
    const client = await connect('observer');
    for (const call of [
      { name: 'list_incidents', arguments: {} },
      { name: 'get_incident', arguments: { id: incident.id } },
    ]) {
      const result = await client.callTool(call);
      const everything = JSON.stringify(result);
      expect(everything, call.name).not.toContain(secret);
      expect(everything, call.name).toContain('‹secret›');
    }
  });
});
