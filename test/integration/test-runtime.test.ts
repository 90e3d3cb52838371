import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { startLoopbackServer } from '../helpers/loopback-server.ts';
import { testRuntime } from '../helpers/test-runtime.ts';

/** A part that counts its closes. */
function part() {
  const closed: string[] = [];
  return {
    closed,
    close: () => {
      closed.push('closed');
      return Promise.resolve();
    },
  };
}

/**
 * The helpers that start what a test talks to leave nothing behind: not when a test stops twice, not
 * when a start fails half-way, and not when a hook timed out and its start finishes after the stop.
 */
describe('test runtimes and loopback servers clean up after themselves', () => {
  it('stops each part once, newest first, however often stop is called', async () => {
    const steward = testRuntime('steward-helper-');
    const dir = steward.dir;
    const order: string[] = [];
    const close = (name: string) => Promise.resolve(void order.push(name));
    await steward.track(Promise.resolve('first'), close);
    await steward.track(Promise.resolve('second'), close);
    await Promise.all([steward.stop(), steward.stop()]);
    await steward.stop();
    expect(order).toEqual(['second', 'first']);
    expect(existsSync(dir)).toBe(false);
  });

  it('makes no folder for a describe that never starts (a skipped one)', async () => {
    const prefix = `steward-helper-unused-${process.pid}-`;
    const steward = testRuntime(prefix);
    await steward.stop();
    expect(readdirSync(os.tmpdir()).filter((name) => name.startsWith(prefix))).toEqual([]);
    expect(() => steward.dir).toThrow('stopped before its folder was made');
  });

  it('stops a part that finished starting after the stop (a timed-out hook), and refuses it', async () => {
    const steward = testRuntime('steward-helper-');
    const late = part();
    let started!: () => void;
    const starting = steward.track(new Promise<typeof late>((resolve) => (started = () => resolve(late))));
    await steward.stop();
    started();
    await expect(starting).rejects.toThrow('stopped while this part started');
    expect(late.closed).toEqual(['closed']);
  });

  it('stops what it had started when Steward fails to start', async () => {
    const steward = testRuntime('steward-helper-');
    const dir = steward.dir;
    const litellm = await steward.litellm({ models: ['gemini-flash'] });
    const other = part();
    await steward.track(Promise.resolve(other));
    await expect(steward.start({ env: { VERIFY_WINDOW: 'not a duration' } })).rejects.toThrow();
    await expect(fetch(`${litellm.url}/v1/models`)).rejects.toThrow();
    expect(other.closed).toEqual(['closed']);
    expect(existsSync(dir)).toBe(false);
    await steward.stop();
    expect(other.closed).toEqual(['closed']);
  });

  it('ends a loopback server that exits before it is ready, and says so with its output', async () => {
    await expect(
      startLoopbackServer({
        name: 'Quitter',
        binary: process.execPath,
        files: () => ({ 'config.yml': '' }),
        args: () => ['-e', 'console.error("bad config"); process.exit(1)'],
      }),
    ).rejects.toThrow(/Quitter exited before it was ready:\nbad config/);
  });
});
