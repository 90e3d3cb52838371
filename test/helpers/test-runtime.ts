import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { readConfig } from '../../bot/config/index.ts';
import {
  createRuntimeLogging,
  startRuntime,
  type Runtime,
  type RuntimeOptions,
} from '../../bot/runtime/start-runtime.ts';
import { startLlmProxyFake, type LlmProxyFake } from '../fakes/llm-proxy.ts';
import { startMattermostFake, type MattermostFake } from '../fakes/mattermost.ts';
import { startSignalFake, type SignalFake } from '../fakes/signal-rest-api.ts';
import { captureLogs, type CapturedLogs } from './capture-logs.ts';
import { createTestDatabase, databaseBackends, type TestDatabase } from './databases.ts';
import { mcpTestServerSection } from './mcp-test-server-config.ts';
import { BOT, LLM_KEY, MM_TOKEN, llmEnv, mattermostEnv, signalEnv } from './steward-env.ts';
import { until } from './until.ts';

type LlmFakeOptions = Omit<Parameters<typeof startLlmProxyFake>[0], 'flavour' | 'apiKey'>;
type Closable = { close(): Promise<unknown> } | { stop(): Promise<unknown> };

export interface TestRuntimeEnvironment {
  /** Runs the stdio MCP test server as `name` (k8s by default), logging its calls to `callLog`, with `env` added. */
  mcp?: true | { name?: string; env?: Record<string, string> };
  /** STEWARD_CONFIG lines after the MCP server's (an MCP server line continues its entry). */
  config?: string[];
  /** Variables over the ones the parts give (DATABASE_URL, STEWARD_CONFIG, RUNBOOK_DIR, the fakes'). */
  env?: Record<string, string>;
}

export interface TestRuntimeStart extends TestRuntimeEnvironment {
  terminal?: RuntimeOptions['terminal'];
  /** Where Steward logs; by default a capture nobody reads. */
  logs?: CapturedLogs;
}

/** Steward's in-process runtime and what it talks to, for one describe: each part is stopped after it. */
export interface TestRuntime {
  /** A temporary folder for this runtime (STEWARD_CONFIG, RUNBOOK_DIR = dir/runbooks), removed at stop. */
  readonly dir: string;
  /** Where the MCP test server logs its calls: read it with readMcpCalls. */
  readonly callLog: string;
  /** The test database (created once, on the embedded server): before start() when a test needs its URL. */
  database(): Promise<TestDatabase>;
  /** The LiteLLM fake with the shared key; Steward is pointed at it. */
  litellm(options: LlmFakeOptions): Promise<LlmProxyFake>;
  /** The Signal fake (JSON-RPC) for BOT, OWNER its one recipient; start() waits for Steward's socket. */
  signal(): Promise<SignalFake>;
  /** The Mattermost fake, alice its approver; start() waits for Steward's websocket. */
  mattermost(options?: { slashCommand?: boolean }): Promise<MattermostFake>;
  /** Stops another part of the test (a real Alertmanager, a proxy …) with the rest, before what was started ahead of it. */
  track<T extends Closable>(starting: Promise<T>): Promise<T>;
  track<T>(starting: Promise<T>, close: (part: T) => Promise<unknown>): Promise<T>;
  /** Steward's variables for the parts started so far (STEWARD_CONFIG written), for a test that runs it as a process. */
  environment(options?: TestRuntimeEnvironment): Promise<Record<string, string>>;
  /** Steward itself, in this process, with environment(options); ready (not listening: a test that needs the socket listens itself). */
  start(options?: TestRuntimeStart): Promise<Runtime>;
  /**
   * Stops everything started, newest first, once however often it is called; a part whose start
   * finishes after stop (a hook that timed out) is stopped as it arrives, so none is left behind.
   */
  stop(): Promise<void>;
}

/**
 * A TestRuntime whose stop() runs after the surrounding describe's tests. Call it in the describe,
 * before the hooks that start its parts, so that the after-hook exists even when a start fails.
 */
export function useTestRuntime(prefix: string): TestRuntime {
  const runtime = testRuntime(prefix);
  afterAll(() => runtime.stop());
  return runtime;
}

/** A TestRuntime whose folder's name starts with `prefix`; the caller stops it (useTestRuntime does). */
export function testRuntime(prefix: string): TestRuntime {
  // Made when first asked for: a describe that is skipped leaves no folder behind.
  let folder: string | undefined;
  const dir = () => {
    if (folder === undefined) {
      if (stopping) throw new Error('the test runtime was stopped before its folder was made');
      const made = mkdtempSync(path.join(os.tmpdir(), prefix));
      closes.unshift(() => rm(made, { recursive: true, force: true }));
      folder = made;
    }
    return folder;
  };
  const closes: (() => Promise<unknown>)[] = [];
  const chats: { connections(): number }[] = [];
  const partsEnv: Record<string, string> = {};
  let database: Promise<TestDatabase> | undefined;
  let stopping: Promise<void> | undefined;

  async function closeAll(): Promise<void> {
    const failures: unknown[] = [];
    for (let close = closes.pop(); close; close = closes.pop()) await close().catch((error) => failures.push(error));
    if (failures.length > 0) throw new AggregateError(failures, 'stopping the test runtime failed');
  }

  async function track<T>(starting: Promise<T>, close?: (part: T) => Promise<unknown>): Promise<T> {
    const part = await starting;
    const stopPart = () =>
      close
        ? close(part)
        : 'stop' in (part as object)
          ? (part as { stop(): Promise<unknown> }).stop()
          : (part as { close(): Promise<unknown> }).close();
    if (stopping) {
      await stopPart();
      throw new Error('the test runtime was stopped while this part started');
    }
    closes.push(stopPart);
    return part;
  }

  const createDatabase = () =>
    (database ??= track(createTestDatabase(databaseBackends()[0]!.adminUrl!), (created) => created.drop()));
  const stop = () => (stopping ??= closeAll());

  async function environment(options: TestRuntimeEnvironment = {}): Promise<Record<string, string>> {
    const mcp = options.mcp === true ? {} : options.mcp;
    const config = [
      ...(mcp
        ? mcpTestServerSection(mcp.name ?? 'k8s', { MCP_CALL_LOG: path.join(dir(), 'mcp-calls.jsonl'), ...mcp.env })
        : []),
      ...(options.config ?? []),
    ];
    if (config.length > 0) writeFileSync(path.join(dir(), 'steward.yaml'), config.join('\n'));
    return {
      DATABASE_URL: (await createDatabase()).url,
      RUNBOOK_DIR: path.join(dir(), 'runbooks'),
      ...(config.length > 0 ? { STEWARD_CONFIG: path.join(dir(), 'steward.yaml') } : {}),
      ...partsEnv,
      ...options.env,
    };
  }

  return {
    get dir() {
      return dir();
    },
    get callLog() {
      return path.join(dir(), 'mcp-calls.jsonl');
    },
    database: createDatabase,
    async litellm(options) {
      const fake = await track(startLlmProxyFake({ flavour: 'litellm', apiKey: LLM_KEY, ...options }));
      Object.assign(partsEnv, llmEnv(fake.url));
      return fake;
    },
    async signal() {
      const fake = await track(startSignalFake({ mode: 'json-rpc', number: BOT }));
      Object.assign(partsEnv, signalEnv(fake.url));
      chats.push(fake);
      return fake;
    },
    async mattermost(options = {}) {
      const fake = await track(startMattermostFake({ token: MM_TOKEN }));
      Object.assign(partsEnv, mattermostEnv(fake.url, options));
      chats.push(fake);
      return fake;
    },
    track,
    environment,
    async start(options = {}) {
      try {
        const env = await environment(options);
        const read = readConfig(env);
        const logging = createRuntimeLogging(read, env, (options.logs ?? captureLogs()).stream);
        const runtime = await track(
          startRuntime(read, logging, { ...(options.terminal ? { terminal: options.terminal } : {}), env }),
          (started) => started.shutdown.run('test over'),
        );
        await runtime.app.ready();
        await until(
          'Steward connected to the chat fakes',
          () => stopping !== undefined || chats.every((chat) => chat.connections() === 1),
          30_000,
        );
        return runtime;
      } catch (error) {
        await stop().catch(() => undefined);
        throw error;
      }
    },
    stop,
  };
}
