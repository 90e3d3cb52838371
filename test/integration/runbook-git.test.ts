import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRunbookGit } from '../../bot/runbooks/runbook-git.ts';
import { createRunbookStore } from '../../bot/runbooks/runbook-store.ts';
import { silentLogger } from '../helpers/silent-logger.ts';

const runbook = `id: pod-crash-loop
created: 2026-02-02
trigger:
  alertname: KubePodCrashLooping
  labels: { namespace: "media" }
solutions:
  - id: restart_pod
    description: Delete the pod so that its controller recreates it
    action: k8s.restart_pod
    args: { name: "{{labels.pod}}", namespace: "{{labels.namespace}}" }
    risk: low
    reversible: true
`;

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

describe('GitOps write-back of runbooks (RUNBOOK_GIT)', () => {
  it('commits each change with a message saying what happened, and pushes it to the remote', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'steward-git-'));
    const remote = path.join(root, 'runbooks.git');
    const dir = path.join(root, 'runbooks');
    git(root, 'init', '--bare', '--quiet', remote);
    git(root, 'init', '--quiet', dir);
    git(dir, 'remote', 'add', 'origin', remote);
    writeFileSync(path.join(dir, 'pod-crash-loop.yaml'), runbook);

    const store = createRunbookStore({
      dir,
      logger: silentLogger(),
      changed: createRunbookGit({ dir, logger: silentLogger() }).commit,
    });
    await store.load();
    await store.recordOutcome('pod-crash-loop', 'restart_pod', true);
    await store.recordOutcome('pod-crash-loop', 'restart_pod', true);
    await store.setAutomationLevel('pod-crash-loop', 'auto_notify');
    await store.create({ ...store.get('pod-crash-loop')!, id: 'pod-crash-loop-home' }, 'Learned from incident #12.');

    const pushed = git(root, '--git-dir', remote, 'log', '--format=%s', '--all').split('\n');
    expect(pushed).toEqual([
      'runbook(pod-crash-loop-home): Learned from incident #12',
      'runbook(pod-crash-loop): automation_level auto_notify',
      'runbook(pod-crash-loop): restart_pod chosen, success 2/2',
      'runbook(pod-crash-loop): restart_pod chosen, success 1/1',
    ]);
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('makes the folder a repository when it is not one, and commits locally without a remote', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'steward-git-local-'));
    writeFileSync(path.join(dir, 'pod-crash-loop.yaml'), runbook);
    const gitops = createRunbookGit({ dir, logger: silentLogger() });
    await gitops.ensure();
    const store = createRunbookStore({ dir, logger: silentLogger(), changed: gitops.commit });
    await store.load();
    await store.recordOutcome('pod-crash-loop', 'restart_pod', false);
    expect(git(dir, 'log', '--format=%s').split('\n')).toEqual([
      'runbook(pod-crash-loop): restart_pod chosen, failure 0/1',
      'runbooks: the folder as Steward found it',
    ]);
  });
});
