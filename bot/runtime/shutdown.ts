import type { Logger } from '../logging/index.ts';

export interface Shutdown {
  /** Registers a closer; closers run in reverse order of registration. */
  add(name: string, close: () => Promise<unknown>): void;
  /** Runs every closer once, even if one fails; later calls wait for the first. */
  run(reason: string): Promise<boolean>;
}

export function createShutdown(logger: Logger): Shutdown {
  const closers: { name: string; close: () => Promise<unknown> }[] = [];
  let running: Promise<boolean> | undefined;

  async function closeAll(reason: string): Promise<boolean> {
    logger.info({ reason }, 'shutting down');
    let clean = true;
    for (const { name, close } of [...closers].reverse()) {
      try {
        await close();
        logger.debug({ part: name }, 'closed');
      } catch (error) {
        clean = false;
        logger.error({ err: error, part: name }, 'close failed');
      }
    }
    logger.info({ clean }, 'shutdown complete');
    return clean;
  }

  return {
    add(name, close) {
      closers.push({ name, close });
    },
    run(reason) {
      running ??= closeAll(reason);
      return running;
    },
  };
}
