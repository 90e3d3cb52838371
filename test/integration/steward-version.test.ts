import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageVersion } from '../../bot/cli/package-version.ts';
import { repoRoot } from '../helpers/service-process.ts';

const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** `steward --version` from the checkout; from the image's layout it is tested in audit-cli.test.ts, beside the build. */
describe('steward --version', { timeout: 60_000 }, () => {
  it("prints package.json's version and nothing else", () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    for (const flag of ['--version', '-V']) {
      expect(
        execFileSync(process.execPath, [path.join(repoRoot, 'bot/cli/steward.mjs'), flag], {
          env: { PATH: process.env.PATH },
          encoding: 'utf8',
        }),
      ).toBe(`${version}\n`);
    }
  });

  it("takes the nearest package.json named steward, past another package's", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'steward-version-'));
    writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'steward', version: '3.2.1' }));
    mkdirSync(path.join(root, 'dist', 'bot', 'cli'), { recursive: true });
    writeFileSync(
      path.join(root, 'dist', 'package.json'),
      JSON.stringify({ name: 'something-else', version: '0.0.1' }),
    );
    expect(packageVersion(path.join(root, 'dist', 'bot', 'cli', 'program.js'))).toBe('3.2.1');
    expect(packageVersion(path.join(os.tmpdir(), 'nowhere', 'program.js'))).toBe('unknown');
  });
});
