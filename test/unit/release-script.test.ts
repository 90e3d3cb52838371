import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/service-process.ts';

const run = promisify(execFile);
const script = path.join(repoRoot, 'scripts/release.mjs');

async function release(cwd: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [script, ...args], { cwd });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout, err: failed.stderr };
  }
}

/** A copy of the files the script reads and writes, with `version` in package.json. */
function copy(version: string, changelog: string): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'steward-release-'));
  mkdirSync(path.join(root, 'deploy/kubernetes/base'), { recursive: true });
  for (const file of ['Dockerfile', 'deploy/kubernetes/base/kustomization.yaml'])
    copyFileSync(path.join(repoRoot, file), path.join(root, file));
  writeFileSync(path.join(root, 'package.json'), `${JSON.stringify({ name: 'steward', version }, null, 2)}\n`);
  writeFileSync(path.join(root, 'CHANGELOG.md'), changelog);
  return root;
}

const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

describe('scripts/release.mjs', { timeout: 30_000 }, () => {
  it('agrees with this repository: its tag, changelog section, Dockerfile and Kubernetes image', async () => {
    const notes = await release(repoRoot, 'notes', `v${version}`);
    expect(notes.err).toBe('');
    expect(notes.code).toBe(0);
    expect(notes.out).toMatch(/^[\s\S]*### Added\n/);
  });

  it('refuses a tag that is not v<package.json version>, and says everything that disagrees', async () => {
    const root = copy('0.3.0', '# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2026-11-01\n\n### Added\n\n- x\n');
    const result = await release(root, 'notes', 'v0.2.0');
    expect(result.code).toBe(1);
    expect(result.err).toContain('the tag v0.2.0 is not v0.3.0');
    expect(result.err).toContain('CHANGELOG.md has no "## [0.3.0] - YYYY-MM-DD" section');
    expect(result.err).toContain(`the Dockerfile's ARG VERSION is ${version}, not 0.3.0`);
    expect(result.err).toContain(`deploy/kubernetes/base/kustomization.yaml pulls ${version}, not 0.3.0`);
  });

  it('cuts a release from Unreleased for `npm version`, after which the check passes', async () => {
    const root = copy(
      '0.2.0',
      '# Changelog\n\nIntro.\n\n## [Unreleased]\n\n### Fixed\n\n- The thing.\n\n## [0.1.0] - 2026-12-02\n\n### Added\n\n- Everything.\n',
    );
    const cut = await release(root, 'version');
    expect(cut).toMatchObject({
      code: 0,
      out: 'CHANGELOG.md, the Dockerfile and the Kubernetes image now say 0.2.0\n',
    });
    const today = new Date().toISOString().slice(0, 10);
    expect(readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8')).toBe(
      `# Changelog\n\nIntro.\n\n## [Unreleased]\n\n## [0.2.0] - ${today}\n\n### Fixed\n\n- The thing.\n\n## [0.1.0] - 2026-12-02\n\n### Added\n\n- Everything.\n`,
    );
    expect(readFileSync(path.join(root, 'Dockerfile'), 'utf8')).toMatch(/^ARG VERSION=0\.2\.0$/m);
    expect(readFileSync(path.join(root, 'deploy/kubernetes/base/kustomization.yaml'), 'utf8')).toContain(
      'newTag: "0.2.0"',
    );
    expect(await release(root, 'notes', 'v0.2.0')).toMatchObject({ code: 0, out: '### Fixed\n\n- The thing.\n' });
  });

  it('will not cut a release with nothing under Unreleased, or a version released before', async () => {
    expect(
      await release(copy('0.2.0', '# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-12-02\n\n- x\n'), 'version'),
    ).toMatchObject({ code: 1, err: 'release: CHANGELOG.md has nothing under Unreleased to release\n' });
    expect(
      await release(
        copy('0.1.0', '# Changelog\n\n## [Unreleased]\n\n- y\n\n## [0.1.0] - 2026-12-02\n\n- x\n'),
        'version',
      ),
    ).toMatchObject({ code: 1, err: 'release: CHANGELOG.md already has a section for 0.1.0\n' });
  });
});
