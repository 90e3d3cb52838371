import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { npmStartCommand } from '../helpers/compiled-build.ts';
import { repoRoot } from '../helpers/service-process.ts';

const folders = ['bot', 'graphs', 'runbooks', 'notifiers', 'webhooks', 'migrations', 'test'];
const files = ['package.json', 'tsconfig.json', 'docker-compose.yml', 'README.md'];

/** The documentation: the README (the front door) and the manual in docs/. */
function documentation(): { file: string; text: string }[] {
  const docs = readdirSync(path.join(repoRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs].map((file) => ({ file, text: readFileSync(path.join(repoRoot, file), 'utf8') }));
}

/**
 * Pages other branches of issues 21 and 23 write; linked before they land. Once a page exists here,
 * its links are checked like any other (remove it from this list then).
 */
const pagesWrittenElsewhere = new Set([
  'docs/investigation.md',
  'docs/mcp-server.md',
  'docs/runbook-state.md',
  'docs/integrations-sources.md',
]);

function exists(relative: string): boolean {
  return existsSync(path.join(repoRoot, relative)) || pagesWrittenElsewhere.has(relative);
}

/** The name of every file and folder under the project's folders. */
function projectNames(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(path.join(repoRoot, dir))) {
      names.add(name);
      if (statSync(path.join(repoRoot, dir, name)).isDirectory() && name !== 'node_modules') walk(path.join(dir, name));
    }
  };
  for (const folder of [...folders, 'deploy', 'scripts']) walk(folder);
  return names;
}

/** Paths into the project's folders that a text names, e.g. `bot/intake/` or graphs/incident/ports.ts. */
function namedPaths(text: string): string[] {
  const pattern =
    /(?<![\w./$-])((?:bot|graphs|runbooks|notifiers|webhooks|migrations|test|deploy|docs|scripts)\/[\w./-]*)/g;
  return [...text.matchAll(pattern)].map((match) => match[1]!.replace(/[.]+$/, ''));
}

/** Relative Markdown links, e.g. [x](docs/a.md#b) → docs/a.md, resolved against the page's folder. */
function relativeLinks(file: string, text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)]
    .map((match) => match[1]!)
    .filter((target) => !/^[a-z]+:/.test(target))
    .map((target) => path.normalize(path.join(path.dirname(file), target)));
}

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
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
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
    for (const [name, value] of Object.entries(start.env))
      expect(dockerfile, name).toMatch(new RegExp(`^ENV ${name}=${value}$`, 'm'));
  });

  it('lists every dependency with a reason, in the README or docs/', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const docs = documentation()
      .map(({ text }) => text)
      .join('\n');
    for (const name of [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]) {
      expect(docs, name).toContain(`\`${name}\``);
    }
  });

  it('documents every configuration variable, in the README or docs/', () => {
    const docs = documentation()
      .map(({ text }) => text)
      .join('\n');
    return import('../../bot/config/index.ts').then(({ knownVariables }) => {
      for (const name of knownVariables) expect(docs, name).toContain(`\`${name}\``);
    });
  });

  it('keeps the README a front door: at most 200 lines, with the demo, the quick start and the test command CI runs', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(200);
    for (const command of ['npm run demo', 'npm start', 'npm test', 'DATABASE_URL'])
      expect(readme, command).toContain(command);
    // .ci/run calls `npm test`: the README must not promise a command CI does not run.
    expect(readFileSync(path.join(repoRoot, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });

  it('names only folders and files that exist, and links only to pages that exist', () => {
    const missing: string[] = [];
    for (const { file, text } of documentation()) {
      for (const named of namedPaths(text)) if (!exists(named)) missing.push(`${file}: ${named}`);
      for (const target of relativeLinks(file, text)) if (!exists(target)) missing.push(`${file} links ${target}`);
    }
    const names = projectNames();
    for (const folder of folders) {
      const file = `${folder}/README.md`;
      const text = readFileSync(path.join(repoRoot, file), 'utf8');
      for (const named of namedPaths(text)) if (!exists(named)) missing.push(`${file}: ${named}`);
      // A folder README names its entries relative to itself (`config/`, `flow/ports/`), or by a bare
      // file name where the sentence says which folder (`runbook-store.ts`).
      for (const match of text.matchAll(/`([\w.-]+(?:\/[\w.-]+)*(?:\/|\.ts|\.sql|\.mjs))`/g)) {
        const entry = match[1]!;
        const bare = !entry.replace(/\/$/, '').includes('/');
        if (!exists(path.join(folder, entry)) && !exists(entry) && !(bare && names.has(entry.replace(/\/$/, ''))))
          missing.push(`${file}: ${entry}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
