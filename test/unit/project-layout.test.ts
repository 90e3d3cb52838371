import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { npmStartCommand } from '../helpers/compiled-build.ts';
import { repoRoot } from '../helpers/service-process.ts';

const folders = ['bot', 'graphs', 'runbooks', 'notifiers', 'webhooks', 'migrations', 'test'];
const files = ['package.json', 'tsconfig.json', 'docker-compose.yml', 'README.md'];

describe('project layout', () => {
  it('has the required top level', () => {
    for (const folder of folders) expect(statSync(path.join(repoRoot, folder)).isDirectory(), folder).toBe(true);
    for (const file of files) expect(existsSync(path.join(repoRoot, file)), file).toBe(true);
  });

  it('explains each top-level folder, and what it may import, in its own README', () => {
    for (const folder of folders) {
      const readme = readFileSync(path.join(repoRoot, folder, 'README.md'), 'utf8');
      expect(readme.length, `${folder}/README.md`).toBeGreaterThan(100);
      expect(readme, `${folder}/README.md`).toMatch(/import/i);
    }
  });

  it('declares Node >= 20, ES modules, a steward command, and the scripts CI calls', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      type: string;
      engines: { node: string };
      bin: Record<string, string>;
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
    };
    expect(pkg.type).toBe('module');
    expect(pkg.engines.node).toBe('>=20');
    expect(existsSync(path.join(repoRoot, pkg.bin.steward!))).toBe(true);
    for (const script of ['start', 'test', 'lint', 'build']) expect(pkg.scripts, script).toHaveProperty(script);
    // The image installs no dev dependencies: the program runs compiled, without the TypeScript loader.
    expect(pkg.dependencies).not.toHaveProperty('tsx');
  });

  it('runs in the Docker image what `npm start` runs (and the bench measures): the compiled program, same flags, same environment', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
    const start = npmStartCommand();
    // `npm ci && npm start` builds first, so it never runs a stale dist/.
    expect(pkg.scripts.prestart).toBe('npm run build');
    expect(start.args.at(-1)).toBe('dist/bot/main.js');
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(dockerfile).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    expect(cmd).toEqual(['node', ...start.args]);
    expect(Object.keys(start.env).length).toBeGreaterThan(0);
    for (const [name, value] of Object.entries(start.env)) expect(dockerfile, name).toMatch(new RegExp(`^ENV ${name}=${value}$`, 'm'));
  });

  it('lists every dependency in the README with a reason', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    for (const name of [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]) {
      expect(readme, name).toContain(`\`${name}\``);
    }
  });

  it('documents every configuration variable in the README or docs/', () => {
    // README.md is being restructured: a variable documented under docs/ counts too.
    const docs = readdirSync(path.join(repoRoot, 'docs')).filter((name) => name.endsWith('.md'));
    const readme = [readFileSync(path.join(repoRoot, 'README.md'), 'utf8'), ...docs.map((name) => readFileSync(path.join(repoRoot, 'docs', name), 'utf8'))].join('\n');
    return import('../../bot/config/index.ts').then(({ knownVariables }) => {
      for (const name of knownVariables) expect(readme, name).toContain(`\`${name}\``);
    });
  });
});
