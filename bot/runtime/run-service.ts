import { ConfigError, readConfig, type Env } from '../config/index.ts';
import type { Logger } from '../logging/index.ts';
import { createTerminalScreen } from '../../notifiers/shell/terminal-screen.ts';
import type { ChatTerminal } from './start-chat.ts';
import { createRuntimeLogging, startRuntime } from './start-runtime.ts';

/** SIGTERM must end in exit 0 within 10 s; past this we stop waiting and exit 1. */
const SHUTDOWN_DEADLINE_MS = 9_000;

export interface ServiceOptions {
  /**
   * Shut down when the parent process goes away. `npm start` exits on SIGTERM without passing the
   * signal on, which would leave Steward (and its database) running as an orphan.
   */
  stopWhenParentExits?: boolean;
}

/** The service: read config, start, listen, and shut down gracefully on SIGTERM/SIGINT. */
export async function runService(env: Env, options: ServiceOptions = {}): Promise<void> {
  let config;
  try {
    config = readConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`steward: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  // The shell channel's terminal; the logs print above its prompt when they go there too.
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const terminal: ChatTerminal = {
    input: process.stdin,
    output: process.stdout,
    interactive,
    screen: createTerminalScreen(process.stdout),
  };
  const logging = createRuntimeLogging(config, env, undefined, interactive ? terminal.screen : undefined);
  const { logger } = logging;
  if (logging.output.to === 'file')
    process.stderr.write(`steward: logging to ${config.logFile} (${logging.output.format})\n`);
  let runtime;
  try {
    runtime = await startRuntime(config, logging, { env, terminal });
  } catch (error) {
    logger.fatal({ err: error }, 'start failed');
    if (error instanceof ConfigError) process.stderr.write(`steward: ${error.message}\n`);
    exitAfterFlush(logger, 1);
    return;
  }

  const { app, shutdown } = runtime;
  let stopping = false;
  const stop = (signal: string) => {
    // A terminal's Ctrl-C reaches npm and node at once, and npm forwards it again: the same stop
    // arrives twice. Repeats are ignored; the deadline below bounds the shutdown anyway.
    if (stopping) {
      logger.info({ signal }, 'already shutting down');
      return;
    }
    stopping = true;
    const deadline = setTimeout(() => {
      logger.error('shutdown deadline passed, exiting');
      exitAfterFlush(logger, 1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    void shutdown.run(signal).then((clean) => exitAfterFlush(logger, clean ? 0 : 1));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (options.stopWhenParentExits) watchParent(() => stop('parent process exited'));

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    logger.fatal({ err: error, port: config.port, host: config.host }, 'cannot listen');
    await shutdown.run('listen failed');
    exitAfterFlush(logger, 1);
    return;
  }
  logger.info(
    {
      port: config.port,
      host: config.host,
      database: runtime.database.backend,
      coordination: runtime.coordination.backend,
    },
    'steward listening',
  );
}

/**
 * Logs go through an asynchronous stream: write out what is buffered, then exit. A stdout that no
 * longer drains (its reader is gone or stuck) must not keep the process alive, so exit regardless
 * after a short grace period.
 */
function exitAfterFlush(logger: Logger, code: number): void {
  setTimeout(() => process.exit(code), 1_000);
  logger.flush(() => process.exit(code));
}

function watchParent(onExit: () => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onExit();
  }, 500);
  timer.unref();
}
