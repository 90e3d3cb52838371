import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/service-process.ts';

const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  version: string;
  license: string;
  description: string;
  engines: { node: string };
  scripts: Record<string, string>;
};
const dockerfile = read('Dockerfile');
/** The final stage: what the image is. */
const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

/**
 * The Node.js line the image runs: the Active LTS. Node.js 26 became Active LTS on 2026-10-28 and
 * Node.js 24 went to maintenance on 2026-10-20 (the Node.js release schedule); move this when the
 * next line becomes Active LTS, in October 2027.
 */
const ACTIVE_LTS = 26;

/** `LABEL a="x" \ b="y"` → { a: 'x', b: 'y' }, with `${VERSION}` as written. */
function labels(stage: string): Record<string, string> {
  const instruction = /^LABEL ((?:.*\\\n)*.*)$/m.exec(stage)![1]!.replace(/\\\n/g, ' ');
  return Object.fromEntries([...instruction.matchAll(/([\w.]+)="([^"]*)"/g)].map((match) => [match[1]!, match[2]!]));
}

describe('the container image', () => {
  it('runs on the current Node.js LTS while the code keeps Node.js 20 as its floor', () => {
    const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)![1]!;
    expect(base).toBe(`node:${ACTIVE_LTS}-bookworm-slim`);
    const stages = [...dockerfile.matchAll(/^FROM (.+)$/gm)].map((match) => match[1]!);
    expect(stages).toEqual(['--platform=$BUILDPLATFORM ${NODE_IMAGE} AS build', '${NODE_IMAGE}']);
    expect(pkg.engines.node).toBe('>=20');
  });

  it('runs as the unprivileged node user, with nothing after that switches back', () => {
    const users = [...runtime.matchAll(/^USER (\S+)$/gm)].map((match) => match[1]);
    expect(users).toEqual(['node']);
    expect(runtime.indexOf('USER node')).toBeLessThan(runtime.indexOf('CMD '));
    expect(runtime.slice(runtime.indexOf('USER node'))).not.toMatch(/^(RUN|COPY|ADD) /m);
    // The Kubernetes manifests run it as uid 1000, the official image's `node` user.
    expect(read('deploy/kubernetes/base/deployment.yaml')).toMatch(/runAsUser: 1000/);
  });

  it('carries the OCI labels, with the version package.json has and the licence it declares', () => {
    const found = labels(runtime);
    expect(Object.keys(found).sort()).toEqual(
      ['description', 'licenses', 'revision', 'source', 'title', 'version'].map(
        (key) => `org.opencontainers.image.${key}`,
      ),
    );
    expect(found['org.opencontainers.image.title']).toBe('Steward');
    expect(found['org.opencontainers.image.licenses']).toBe(pkg.license);
    expect(found['org.opencontainers.image.description']).toBe(pkg.description);
    expect(found['org.opencontainers.image.version']).toBe('${VERSION}');
    expect(found['org.opencontainers.image.source']).toBe('${SOURCE}');
    expect(runtime).toMatch(new RegExp(`^ARG VERSION=${pkg.version.replaceAll('.', '\\.')}$`, 'm'));
    expect(runtime).toMatch(/^ARG SOURCE=$/m);
    // The Kubernetes manifests pull the same version.
    expect(read('deploy/kubernetes/base/kustomization.yaml')).toContain(`newTag: "${pkg.version}"`);
  });

  it('keeps secrets and local state out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'));
    for (const entry of ['.env', 'steward.env', 'node_modules', 'data', 'dist', '.git'])
      expect(ignored, entry).toContain(entry);
    // What the Dockerfile copies is not ignored.
    for (const [, source] of dockerfile.matchAll(/^COPY (?!--from)(\S+)/gm))
      expect(ignored, source).not.toContain(source!.replace(/^\.\//, ''));
  });
});

describe('licence and changelog', () => {
  it('has the MIT licence text package.json declares', () => {
    expect(pkg.license).toBe('MIT');
    const licence = read('LICENSE');
    expect(licence.split('\n')[0]).toBe('MIT License');
    expect(licence).toMatch(/^Copyright \(c\) \d{4} .+$/m);
    expect(licence).toContain('Permission is hereby granted, free of charge, to any person obtaining a copy');
    expect(licence).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });

  it('keeps a changelog: Unreleased first, then each version with its date, newest first, and the current version among them', () => {
    const changelog = read('CHANGELOG.md');
    expect(changelog).toMatch(/^# Changelog\n/);
    expect(changelog).toContain('[Keep a Changelog](https://keepachangelog.com/en/1.1.0/)');
    const headings = [...changelog.matchAll(/^## (.+)$/gm)].map((match) => match[1]!);
    expect(headings[0]).toBe('[Unreleased]');
    const versions = headings
      .slice(1)
      .map((heading) => /^\[(\d+\.\d+\.\d+(?:-[\w.]+)?)\] - (\d{4}-\d{2}-\d{2})$/.exec(heading));
    for (const [index, version] of versions.entries()) expect(version, headings[index + 1]).not.toBeNull();
    expect(versions.map((version) => version![1])).toContain(pkg.version);
    const dates = versions.map((version) => version![2]!);
    expect([...dates].sort().reverse()).toEqual(dates);
    for (const heading of changelog.matchAll(/^### (.+)$/gm))
      expect(['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security']).toContain(heading[1]);
  });
});

describe('the release workflow', () => {
  interface Step {
    uses?: string;
    run?: string;
    with?: Record<string, string>;
  }
  interface Job {
    uses?: string;
    needs?: string[];
    steps?: Step[];
    permissions?: Record<string, string>;
    strategy?: { matrix: { node: number[] } };
  }
  interface Workflow {
    on: Record<string, unknown>;
    jobs: Record<string, Job>;
  }
  const release = parse(read('.github/workflows/release.yml')) as Workflow;
  const ci = parse(read('.github/workflows/ci.yml')) as Workflow;
  const docs = read('docs/releasing.md');

  it('releases on a v-tag after the tests, the agreement check, the image and then the GitHub release', () => {
    expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } });
    expect(release.jobs.check!.uses).toBe('./.github/workflows/ci.yml');
    expect(ci.on).toHaveProperty('workflow_call');
    expect(release.jobs.image!.needs).toEqual(['check', 'notes']);
    expect(release.jobs.release!.needs).toBe('image');
    const notes = release.jobs.notes!.steps!.map((step) => step.run).join('\n');
    expect(notes).toContain('node scripts/release.mjs notes "$GITHUB_REF_NAME"');
    expect(pkg.scripts.version).toBe('node scripts/release.mjs version --git-add');
  });

  it('pushes ghcr.io/<owner>/steward with the build arguments that fill the labels, as docs/releasing.md says', () => {
    const steps = release.jobs.image!.steps!;
    const meta = steps.find((step) => step.uses?.startsWith('docker/metadata-action'))!;
    expect(meta.with!.images).toBe('ghcr.io/${{ github.repository_owner }}/steward');
    expect(docs).toContain('ghcr.io/<owner>/steward');
    const build = steps.find((step) => step.uses?.startsWith('docker/build-push-action'))!;
    const args = Object.fromEntries(
      build
        .with!['build-args']!.trim()
        .split('\n')
        .map((line) => line.trim().split(/=(.*)/s).slice(0, 2) as [string, string]),
    );
    expect(Object.keys(args).sort()).toEqual(['REVISION', 'SOURCE', 'VERSION']);
    for (const name of Object.keys(args)) expect(dockerfile, name).toMatch(new RegExp(`^ARG ${name}=`, 'm'));
    expect(release.jobs.image!.permissions).toMatchObject({ packages: 'write' });
  });

  it('tests on the engines floor and on the image’s Node.js, against PostgreSQL and Redis', () => {
    const test = ci.jobs.test!;
    expect(test.strategy!.matrix.node).toEqual([20, ACTIVE_LTS]);
    const runs = test.steps!.map((step) => step.run ?? '').join('\n');
    for (const command of ['npm ci', 'npm run lint', 'npm test']) expect(runs).toContain(command);
    const env = (ci.jobs.test as unknown as { env: Record<string, string> }).env;
    expect(env).toMatchObject({
      TEST_DATABASE_URL: expect.stringMatching(/^postgres:\/\//),
      TEST_REDIS_URL: expect.stringMatching(/^redis:\/\//),
    });
  });
});
