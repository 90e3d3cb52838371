import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../bot/config/index.ts';
import { chooseLogOutput } from '../../bot/logging/index.ts';
import { createRuntimeLogging } from '../../bot/runtime/runtime-logging.ts';
import { createShellNotifier } from '../../notifiers/shell/shell-notifier.ts';
import { createTerminalScreen } from '../../notifiers/shell/terminal-screen.ts';
import { renderTerminal } from '../helpers/pseudo-terminal.ts';
import { until } from '../helpers/until.ts';

const SECRET = 'sk-litellm-virtual-key-0123456789';

/** A terminal as Node sees one: streams that say they are TTYs (readline edits the line itself). */
function fakeTty() {
  const input = Object.assign(new PassThrough(), { isTTY: true });
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
  let raw = '';
  output.on('data', (chunk: Buffer) => (raw += chunk.toString()));
  return { input, output, raw: () => raw };
}

describe('where logs go and how they look', () => {
  it('chooses: LOG_FILE first, then the shell channel’s terminal (pretty), else JSON on stdout; LOG_FORMAT overrides the format', () => {
    expect(chooseLogOutput({ format: undefined, file: undefined, terminal: false })).toEqual({
      format: 'json',
      to: 'stdout',
    });
    expect(chooseLogOutput({ format: undefined, file: undefined, terminal: true })).toEqual({
      format: 'pretty',
      to: 'terminal',
    });
    expect(chooseLogOutput({ format: 'json', file: undefined, terminal: true })).toEqual({
      format: 'json',
      to: 'terminal',
    });
    expect(chooseLogOutput({ format: 'pretty', file: undefined, terminal: false })).toEqual({
      format: 'pretty',
      to: 'stdout',
    });
    expect(chooseLogOutput({ format: undefined, file: '/var/log/steward.log', terminal: true })).toEqual({
      format: 'json',
      to: 'file',
    });
    expect(chooseLogOutput({ format: 'pretty', file: '/var/log/steward.log', terminal: false })).toEqual({
      format: 'pretty',
      to: 'file',
    });
  });

  it('LOG_FORMAT and LOG_FILE are checked like every variable', () => {
    expect(() => readConfig({ LOG_FORMAT: 'yaml' })).toThrow(/LOG_FORMAT must be one of json, pretty/);
    expect(readConfig({ LOG_FILE: 'logs/steward.log' }).logFile).toBe(path.resolve('logs/steward.log'));
  });

  describe('LOG_FILE', () => {
    const dirs: string[] = [];
    afterAll(async () => {
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    });

    it.each([
      [
        'json',
        (text: string) =>
          expect(JSON.parse(text.trim().split('\n')[0]!)).toMatchObject({ msg: 'model call failed', level: 50 }),
      ],
      ['pretty', (text: string) => expect(text).toMatch(/^\[\d\d:\d\d:\d\d\] ERROR: model call failed/m)],
    ] as const)('appends %s lines to the file, secrets masked, and nothing to the terminal', async (format, check) => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'steward-logs-'));
      dirs.push(dir);
      const file = path.join(dir, 'nested', 'steward.log');
      const env = { LOG_FILE: file, LOG_FORMAT: format, LLM_BASE_URL: 'http://litellm:4000', LLM_API_KEY: SECRET };
      const tty = fakeTty();
      const { logger, output } = createRuntimeLogging(
        readConfig(env),
        env,
        undefined,
        createTerminalScreen(tty.output),
      );
      expect(output).toEqual({ format, to: 'file' });
      logger.error({ header: `Bearer ${SECRET}` }, 'model call failed');
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
      await until(
        'the line in the file',
        () => existsSync(file) && readFileSync(file, 'utf8').includes('model call failed'),
      );
      const text = readFileSync(file, 'utf8');
      check(text);
      expect(text).not.toContain(SECRET);
      expect(text).toContain('[REDACTED]');
      expect(tty.raw()).toBe('');
    });
  });

  it('on the shell channel’s terminal, prints readable lines above the prompt and keeps what is being typed', async () => {
    const tty = fakeTty();
    const screen = createTerminalScreen(tty.output);
    const env = { LLM_BASE_URL: 'http://litellm:4000', LLM_API_KEY: SECRET };
    const { logger, output } = createRuntimeLogging(readConfig(env), env, undefined, screen);
    expect(output).toEqual({ format: 'pretty', to: 'terminal' });
    const shell = createShellNotifier({
      input: tty.input,
      output: tty.output,
      interactive: true,
      log: () => undefined,
      screen,
      onInterrupt: () => undefined,
    });
    const replies: string[] = [];
    await shell.start((reply) => Promise.resolve(void replies.push(reply.text)));

    tty.input.write('sta'); // half a word typed at the prompt
    await until('the typing echoed', () => tty.raw().includes('sta'));
    logger.info({ incidentId: 4, key: SECRET }, 'incident change');
    logger.warn('webhook has no credential configured');
    await shell.send({ kind: 'notice', title: '✅ Complete: #4 HighMemory', body: 'every alert resolved' });

    const visible = (await renderTerminal(tty.raw(), 100)).filter((line) => line.trim() !== '');
    expect(visible.at(-1)).toBe('steward> sta');
    expect(visible.filter((line) => line.includes('incident change'))).toEqual([
      expect.stringMatching(/^\[\d\d:\d\d:\d\d\] INFO: incident change \{"incidentId":4,"key":"\[REDACTED\]"\}$/),
    ]);
    expect(visible).toContainEqual(
      expect.stringMatching(/^\[\d\d:\d\d:\d\d\] WARN: webhook has no credential configured$/),
    );
    expect(visible).toContain('✅ Complete: #4 HighMemory');
    expect(visible.filter((line) => line.startsWith('steward>'))).toEqual(['steward> sta']);
    expect(tty.raw()).not.toContain(SECRET);

    // The rest of the word completes the reply the log lines interrupted.
    tty.input.write('tus\r');
    await until('the reply', () => replies.length === 1);
    expect(replies).toEqual(['status']);
    await shell.stop();
  });

  it('turns Ctrl-C at a real terminal’s prompt into the interrupt, as the terminal would', async () => {
    const tty = fakeTty();
    let interrupted = 0;
    const shell = createShellNotifier({
      input: tty.input,
      output: tty.output,
      interactive: true,
      log: () => undefined,
      onInterrupt: () => (interrupted += 1),
    });
    await shell.start(() => Promise.resolve());
    tty.input.write('\x03');
    await until('the interrupt', () => interrupted === 1);
    await shell.stop();
  });
});
