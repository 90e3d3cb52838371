import { describe, expect, it } from 'vitest';
import { readRenovateConfig } from '../../bot/pull-requests/rollout-config.ts';
import { readRollout, rolloutTarget } from '../../bot/pull-requests/rollout-probe.ts';

const merge = { sha: 'a'.repeat(40), at: new Date('2026-11-20T10:00:00Z') };
const application = (status: unknown) => ({
  ok: true as const,
  text: JSON.stringify({ metadata: { name: 'media-sonarr' }, status }),
});

describe('reading an Argo CD application against a merge', () => {
  it('is deployed only once the merged commit is Synced and Healthy', () => {
    expect(
      readRollout(
        application({ health: { status: 'Healthy' }, sync: { status: 'Synced', revision: merge.sha } }),
        merge,
      ),
    ).toEqual({ verdict: 'deployed', detail: 'Healthy, Synced at aaaaaaa' });
    expect(
      readRollout(
        application({ health: { status: 'Progressing' }, sync: { status: 'Synced', revision: merge.sha } }),
        merge,
      ).verdict,
    ).toBe('pending');
    expect(
      readRollout(
        application({ health: { status: 'Healthy' }, sync: { status: 'OutOfSync', revision: merge.sha } }),
        merge,
      ).verdict,
    ).toBe('pending');
  });

  it('does not take the state before the merge for the rollout', () => {
    const before = {
      health: { status: 'Healthy' },
      sync: { status: 'Synced', revision: 'b'.repeat(40) },
      operationState: { phase: 'Succeeded', startedAt: '2026-11-20T09:00:00Z', finishedAt: '2026-11-20T09:01:00Z' },
    };
    expect(readRollout(application(before), merge).verdict).toBe('pending');
    expect(readRollout(application({ ...before, health: { status: 'Degraded' } }), merge).verdict).toBe('pending');
  });

  it('counts a sync that finished after the merge when Argo CD follows another repository', () => {
    const after = {
      health: { status: 'Healthy' },
      sync: { status: 'Synced', revision: 'c'.repeat(40) },
      operationState: { phase: 'Succeeded', startedAt: '2026-11-20T10:02:00Z', finishedAt: '2026-11-20T10:03:00Z' },
    };
    expect(readRollout(application(after), merge).verdict).toBe('deployed');
    expect(
      readRollout(
        application({ ...after, operationState: { ...after.operationState, phase: 'Running', finishedAt: undefined } }),
        merge,
      ).verdict,
    ).toBe('pending');
  });

  it('fails on Degraded at the merged commit and on a sync after the merge that failed', () => {
    expect(
      readRollout(
        application({
          health: { status: 'Degraded', message: 'CrashLoopBackOff' },
          sync: { status: 'Synced', revision: merge.sha },
        }),
        merge,
      ),
    ).toEqual({ verdict: 'failed', detail: 'Degraded, Synced at aaaaaaa (CrashLoopBackOff)' });
    const failedSync = {
      health: { status: 'Healthy' },
      sync: { status: 'OutOfSync', revision: 'b'.repeat(40) },
      operationState: {
        phase: 'Failed',
        message: 'one or more objects failed to apply',
        startedAt: '2026-11-20T10:05:00Z',
        finishedAt: '2026-11-20T10:05:09Z',
      },
    };
    expect(readRollout(application(failedSync), merge)).toMatchObject({
      verdict: 'failed',
      detail: 'sync failed: one or more objects failed to apply; Healthy, OutOfSync at bbbbbbb',
    });
  });

  it('keeps waiting when the tool fails or answers something else', () => {
    expect(readRollout({ ok: false, kind: 'tool', error: 'applications.argoproj.io "x" not found' }, merge)).toEqual({
      verdict: 'pending',
      detail: 'the tool said: applications.argoproj.io "x" not found',
    });
    expect(readRollout({ ok: true, text: 'not json' }, merge).verdict).toBe('pending');
    expect(
      readRollout(
        {
          ok: true,
          text: '{"status":{"health":{"status":"Healthy"},"sync":{"status":"Synced","revision":"' + merge.sha + '"}}}',
          structured: { status: { health: { status: 'Degraded' }, sync: { status: 'Synced', revision: merge.sha } } },
        },
        merge,
      ).verdict,
    ).toBe('failed');
  });
});

describe('which application a PR is followed in', () => {
  const pr = (pkg: string) => ({ repo: 'home/infra', updates: [{ package: pkg, from: '1', to: '2' }] }) as never;

  it('fills the arguments from the package, the mapping and the repository', () => {
    const config = readRenovateConfig({
      rollout: { tool: 'argocd.get_application', arguments: { applicationName: '{app}', project: '{repo}/{package}' } },
    }).rollout!;
    expect(config.every).toBe(30_000);
    expect(rolloutTarget(config, pr('lscr.io/linuxserver/sonarr'))).toEqual({
      app: 'sonarr',
      arguments: { applicationName: 'sonarr', project: 'home/infra/sonarr' },
    });
  });

  it('follows only mapped packages once a mapping is given', () => {
    const config = readRenovateConfig({
      rollout: { tool: 'get_application', applications: { sonarr: 'media-sonarr' }, every: '1m' },
    }).rollout!;
    expect(config.every).toBe(60_000);
    expect(rolloutTarget(config, pr('ghcr.io/home/sonarr'))).toEqual({
      app: 'media-sonarr',
      arguments: { applicationName: 'media-sonarr' },
    });
    expect(rolloutTarget(config, pr('radarr'))).toBeUndefined();
  });

  it('names the field of a wrong setting', () => {
    expect(() => readRenovateConfig({ rollout: { tool: 'get_application', every: 'soon' } })).toThrow(
      /renovate\.rollout\.every: must be a duration/,
    );
    expect(() => readRenovateConfig({ rollout: { tol: 'x' } })).toThrow(/renovate\.rollout/);
  });
});
