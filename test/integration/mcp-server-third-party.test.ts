import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../bot/runtime/start-runtime.ts';
import type { SignalFake } from '../fakes/signal-rest-api.ts';
import { signalTextFrame } from '../helpers/signal-frames.ts';
import { BOT, OWNER } from '../helpers/steward-env.ts';
import { useTestRuntime } from '../helpers/test-runtime.ts';
import { until } from '../helpers/until.ts';

const run = promisify(execFile);
const TOKEN = 'mcp-server-token-0123456789abcdef';
/**
 * The MCP Inspector's command line (`npm i @modelcontextprotocol/inspector` anywhere, then point this
 * at its `node_modules/.bin/mcp-inspector`): a client nobody here wrote. Too large to be a dependency,
 * so the test runs only when it is given; docs/mcp-server.md says which version passed.
 */
const inspector = process.env.MCP_INSPECTOR_BIN;
/** `mcp-remote`'s proxy (`node_modules/mcp-remote/dist/proxy.js`): the stdio bridge local-only clients use; the Inspector drives it. */
const mcpRemote = process.env.MCP_REMOTE_PROXY;

describe.skipIf(!inspector)('Steward as an MCP server, to the MCP Inspector CLI', () => {
  let signal: SignalFake;
  let runtime: Runtime;
  const steward = useTestRuntime('steward-mcp-inspector-');
  let url: string;

  beforeAll(async () => {
    signal = await steward.signal();
    runtime = await steward.start({ env: { LOG_LEVEL: 'info', MCP_SERVER_TOKEN: TOKEN } });
    url = `${await runtime.app.listen({ port: 0, host: '127.0.0.1' })}/mcp`;
  });

  const cli = (...args: string[]) =>
    run(inspector!, ['--cli', url, '--transport', 'http', '--header', `Authorization: Bearer ${TOKEN}`, ...args], {
      timeout: 60_000,
    });

  it('lists the tools', async () => {
    const { stdout } = await cli('--method', 'tools/list');
    const names = (JSON.parse(stdout) as { tools: { name: string }[] }).tools.map((tool) => tool.name);
    expect(names.sort()).toEqual([
      'get_approval',
      'get_incident',
      'list_incidents',
      'list_runbooks',
      'request_approval',
      'status',
    ]);
  });

  it('waits in request_approval until the owner approves on Signal', async () => {
    const call = cli(
      '--method',
      'tools/call',
      '--tool-name',
      'request_approval',
      '--tool-arg',
      'title=Renew the wildcard certificate',
      '--tool-arg',
      'action=certbot renew --cert-name home.arpa',
    );
    await until(
      'the question on Signal',
      () => signal.sent.some((sent) => String(sent.message).includes('Renew the wildcard certificate')),
      30_000,
    );
    const index = signal.sent.findIndex((sent) => String(sent.message).includes('Renew the wildcard certificate'));
    expect(String(signal.sent[index]!.message)).toContain('🤖 inspector-cli asks: Renew the wildcard certificate');
    signal.deliver(signalTextFrame(BOT, OWNER, '1', signal.sentTimestamps[index]));
    const { stdout } = await call;
    expect((JSON.parse(stdout) as { structuredContent: unknown }).structuredContent).toMatchObject({
      status: 'approved',
      choice: 'Approve',
      by: 'Alice Ops',
    });
  });

  it.skipIf(!mcpRemote)('answers through mcp-remote, the stdio bridge local-only clients use', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'steward-mcp-remote-'));
    try {
      const config = path.join(dir, 'mcp.json');
      await writeFile(
        config,
        JSON.stringify({
          mcpServers: {
            steward: {
              command: process.execPath,
              args: [mcpRemote!, url, '--allow-http', '--header', `Authorization:Bearer ${TOKEN}`],
            },
          },
        }),
      );
      const { stdout } = await run(
        inspector!,
        ['--cli', '--config', config, '--server', 'steward', '--method', 'tools/call', '--tool-name', 'status'],
        { timeout: 60_000, env: { ...process.env, MCP_REMOTE_CONFIG_DIR: dir } },
      );
      expect((JSON.parse(stdout) as { structuredContent: { body: string } }).structuredContent.body).toContain(
        'Open incidents: 0',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is refused with a wrong token', async () => {
    await expect(
      run(
        inspector!,
        [
          '--cli',
          url,
          '--transport',
          'http',
          '--header',
          'Authorization: Bearer wrong-token-0123456789',
          '--method',
          'tools/list',
        ],
        { timeout: 60_000 },
      ),
    ).rejects.toThrow();
  });
});
