import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import type { Logger } from '../logging/index.ts';

/**
 * GitOps write-back (RUNBOOK_GIT=true): the runbook folder is a git repository, each change is one
 * commit with a message that says what happened, pushed when a remote is configured. A failed push
 * is logged and retried with the next change; it never loses the runbook, which is on disk already.
 */
export function createRunbookGit(options: { dir: string; logger: Logger }) {
  let client: SimpleGit | undefined;
  // simple-git refuses a folder that does not exist yet (the default RUNBOOK_DIR on a first start).
  const repo = (): SimpleGit => {
    mkdirSync(options.dir, { recursive: true });
    return (client ??= simpleGit({ baseDir: options.dir }));
  };
  let queue: Promise<unknown> = Promise.resolve();

  async function ensureRepository(): Promise<void> {
    if (existsSync(path.join(options.dir, '.git'))) return;
    await repo().init();
    await repo().addConfig('user.name', 'Steward', false, 'local');
    await repo().addConfig('user.email', 'steward@localhost', false, 'local');
    await repo().add('.');
    const status = await repo().status();
    if (status.staged.length > 0) await repo().commit('runbooks: the folder as Steward found it');
  }

  async function commit(file: string, message: string): Promise<void> {
    await ensureRepository();
    await repo().add(path.relative(options.dir, file));
    const status = await repo().status();
    if (status.staged.length === 0) return;
    await repo().commit(message);
    const remotes = await repo().getRemotes();
    if (remotes.length === 0) return;
    try {
      await repo().push(remotes[0]!.name, status.current ?? 'HEAD', ['--set-upstream']);
    } catch (error) {
      options.logger.warn(
        { err: error, remote: remotes[0]!.name },
        'pushing the runbook change failed; the next change pushes again',
      );
    }
  }

  return {
    /** Makes the folder a repository (committing what is there) before Steward writes to it. */
    ensure: () => ensureRepository(),
    /** Serialised: two writes never interleave their git commands. */
    commit: (file: string, message: string): Promise<void> => {
      const next = queue.then(() => commit(file, message));
      queue = next.catch((error: unknown) =>
        options.logger.error({ err: error, file }, 'committing the runbook change failed'),
      );
      return next;
    },
  };
}

export type RunbookGit = ReturnType<typeof createRunbookGit>;
