import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createQuestionDesk } from '../../bot/chat/question-desk.ts';
import { createPostgresCoordination } from '../../bot/coordination/index.ts';
import { buildApp } from '../../bot/http/build-app.ts';
import { createAgentApprovals } from '../../bot/mcp-server/agent-approvals.ts';
import { createMcpSessions } from '../../bot/mcp-server/mcp-sessions.ts';
import { createStewardMcpServer } from '../../bot/mcp-server/steward-mcp-server.ts';
import { createMetrics } from '../../bot/metrics/create-metrics.ts';
import { createMcpServerPart } from '../../bot/runtime/start-mcp-server.ts';
import { createMigratedDatabase, databaseBackends, type MigratedDatabase } from '../helpers/databases.ts';
import { silentLogger } from '../helpers/silent-logger.ts';
import { until } from '../helpers/until.ts';

const TOKEN = 'mcp-server-token-0123456789abcdef';

/**
 * The waiting side of request_approval, on the HTTP service alone (no chat): progress notifications
 * keep a client with a short timeout waiting, a decision stored by another replica (nothing here is
 * told of it) still ends the wait, shutdown answers waiting calls instead of hanging, and without
 * MCP_SERVER_TOKEN there is no /mcp at all.
 */
describe('request_approval while it waits', () => {
  let database: MigratedDatabase;
  let app: FastifyInstance | undefined;
  let client: Client | undefined;

  beforeAll(async () => {
    database = await createMigratedDatabase(databaseBackends()[0]!.adminUrl!);
  });
  afterEach(async () => {
    await client?.close().catch(() => undefined);
    await app?.close();
    client = undefined;
    app = undefined;
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function start(progressEveryMs: number, maxOpen?: number) {
    const desk = createQuestionDesk({ pool: database.pool, channels: ['shell'] });
    const approvals = createAgentApprovals({
      pool: database.pool,
      desk,
      policy: { redlines: [] },
      defaultTtlMs: 60_000,
      pollMs: 50,
      ...(maxOpen !== undefined ? { maxOpen } : {}),
    });
    const sessions = createMcpSessions({
      createServer: (closing) =>
        createStewardMcpServer(
          {
            approvals,
            db: database.pool,
            status: () => Promise.resolve({ title: 'Status', body: 'ok' }),
            runbooks: () => [],
            progressEveryMs,
          },
          closing,
        ),
      logger: silentLogger(),
    });
    app = buildApp({
      logger: silentLogger(),
      database: { pool: database.pool, backend: 'external' },
      coordination: createPostgresCoordination(database.pool),
      metrics: createMetrics(),
      bodyLimit: 1_048_576,
      mcpServer: { token: TOKEN, sessions },
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    client = new Client({ name: 'slow-agent', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL('/mcp', address), {
        requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } },
      }),
    );
    return { desk, sessions, client };
  }

  /** The open approval asked with this title (each test asks its own). */
  const openApproval = async (title: string) =>
    (
      await database.pool.query<{ id: string }>(
        "SELECT q.id FROM questions q JOIN agent_approvals a ON a.question_id = q.id WHERE q.status = 'open' AND q.title LIKE $1",
        [`%${title}`],
      )
    ).rows[0]?.id;

  it('sends progress that keeps a short client timeout alive, and ends when another replica decides', async () => {
    const { desk, client } = await start(100);
    const progress: number[] = [];
    const call = client.callTool(
      {
        name: 'request_approval',
        arguments: { title: 'Resize the volume', action: 'kubectl patch pvc data --patch size=20Gi' },
      },
      undefined,
      {
        timeout: 1_500,
        resetTimeoutOnProgress: true,
        onprogress: (update) => progress.push(update.progress),
      },
    );
    await until('the question stored', async () => (await openApproval('Resize the volume')) !== undefined);
    // Longer than the client's timeout: only the progress notifications keep it waiting.
    await until('progress for over three seconds', () => (progress.at(-1) ?? 0) > 3, 15_000);
    const id = Number(await openApproval('Resize the volume'));
    await desk.decide(id, { kind: 'option', option: 1, label: 'Approve' }, 'alice-id', 'mattermost', 'alice');
    expect((await call).structuredContent).toMatchObject({ id, status: 'approved', choice: 'Approve', by: 'alice' });
    expect(progress[0]).toBe(0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(new Set(progress).size).toBe(progress.length);
  });

  it('answers a waiting call with "pending" when Steward shuts down, and closes', async () => {
    const { client, sessions } = await start(15_000);
    const call = client.callTool(
      {
        name: 'request_approval',
        arguments: { title: 'Upgrade the cluster', action: 'talosctl upgrade-k8s --to 1.33.0' },
      },
      undefined,
      { timeout: 30_000 },
    );
    await until('the question stored', async () => (await openApproval('Upgrade the cluster')) !== undefined);
    await app!.close();
    app = undefined;
    expect((await call).structuredContent).toMatchObject({ status: 'pending', choice: null });
    expect(sessions.size()).toBe(0);
  });

  /** What the cap counts: approvals still open, and those asked in the last minute however they ended. */
  const counted = async () =>
    (
      await database.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM questions q JOIN agent_approvals a ON a.question_id = q.id
         WHERE q.status = 'open' OR a.requested_at > now() - interval '1 minute'`,
      )
    ).rows[0]!.n;
  const questionCount = async () =>
    (await database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM questions')).rows[0]!.n;

  it('refuses to ask when too many approvals already wait, so no agent can flood the owner’s chat', async () => {
    const { client } = await start(15_000, (await counted()) + 1);
    const first = await client.callTool({
      name: 'request_approval',
      arguments: { title: 'Scale web to 3', action: 'kubectl scale deployment/web --replicas=3', wait: false },
    });
    expect(first.structuredContent).toMatchObject({ status: 'pending' });
    const before = await questionCount();
    const second = await client.callTool({
      name: 'request_approval',
      arguments: { title: 'Scale api to 3', action: 'kubectl scale deployment/api --replicas=3', wait: false },
    });
    expect(second.isError).toBe(true);
    expect((second.content as { text: string }[])[0]!.text).toContain('approvals wait for the owner');
    expect(await questionCount()).toBe(before);
  });

  it('keeps to the cap when requests race, and when short ttls end them at once', async () => {
    const { client, desk } = await start(15_000, (await counted()) + 2);
    const before = await questionCount();
    // Eight at once: each checks the cap and asks in one locked transaction, so only two get through.
    const raced = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        client.callTool({
          name: 'request_approval',
          arguments: { title: `Race ${index}`, action: `echo ${index}`, ttl: '1s', wait: false },
        }),
      ),
    );
    expect(raced.filter((result) => !result.isError)).toHaveLength(2);
    expect(await questionCount()).toBe(before + 2);
    // Their one-second ttls run out; they still count for a minute, so the cap is not free again.
    await until('both raced approvals expired', async () => {
      await desk.expire();
      const { rows } = await database.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM questions WHERE title LIKE '%Race %' AND status = 'open'",
      );
      return rows[0]!.n === 0;
    });
    const after = await client.callTool({
      name: 'request_approval',
      arguments: { title: 'One more', action: 'echo again', wait: false },
    });
    expect(after.isError).toBe(true);
    expect(await questionCount()).toBe(before + 2);
  });

  it('has no /mcp without MCP_SERVER_TOKEN', async () => {
    const part = createMcpServerPart({
      config: { mcpServerToken: undefined, approvalTtlMs: 60_000 },
      pool: database.pool,
      chat: { desk: createQuestionDesk({ pool: database.pool, channels: ['shell'] }) },
      policy: { redlines: [], allow: [], blastRadius: {}, readOnly: [] },
      logger: silentLogger(),
      status: () => Promise.resolve({ title: '', body: '' }),
      runbooks: () => [],
    });
    expect(part).toBeUndefined();
    app = buildApp({
      logger: silentLogger(),
      database: { pool: database.pool, backend: 'external' },
      coordination: createPostgresCoordination(database.pool),
      metrics: createMetrics(),
      bodyLimit: 1_048_576,
    });
    const response = await app.inject({
      method: 'POST',
      url: '/mcp',
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: { jsonrpc: '2.0', id: 1, method: 'initialize', params: {} },
    });
    expect(response.statusCode).toBe(404);
  });
});
