import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './service-process.ts';

/** `npm start` as package.json has it: `[NAME=value …] node <arguments>`. */
export interface StartCommand {
  env: Record<string, string>;
  /** Node's arguments: flags and the entry point. */
  args: string[];
}

export function npmStartCommand(): StartCommand {
  const start = (
    JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: { start: string } }
  ).scripts.start;
  const words = start.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (words[0] && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  const [node, ...args] = words;
  if (node !== 'node') throw new Error(`npm start is not "[NAME=value …] node …": ${start}`);
  return { env, args };
}

/** A fresh folder inside the checkout (where node_modules resolves), removed by `remove()`. */
function scratchFolder(): { dir: string; remove: () => void } {
  const cache = path.join(repoRoot, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(path.join(cache, 'steward-build-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function build(outDir: string): void {
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build.mjs'), outDir], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
}

export interface CompiledStart extends StartCommand {
  /** Removes the build. */
  remove(): void;
}

/**
 * `npm start`'s command on a build of its own (scripts/build.mjs into a fresh folder): what runs in
 * production, without touching dist/ under anyone else.
 */
export function buildForStart(): CompiledStart {
  const scratch = scratchFolder();
  build(scratch.dir);
  const start = npmStartCommand();
  const entry = start.args.at(-1)!;
  if (!entry.startsWith('dist/')) throw new Error(`npm start does not run the build in dist/: ${entry}`);
  return {
    env: start.env,
    args: [...start.args.slice(0, -1), path.join(scratch.dir, entry.slice('dist/'.length))],
    remove: scratch.remove,
  };
}

/** The Docker image's layout: package.json, the build in dist/ and the `steward` command beside it, no sources. */
export function buildImageLayout(): { root: string; steward: string; remove: () => void } {
  const scratch = scratchFolder();
  build(path.join(scratch.dir, 'dist'));
  copyFileSync(path.join(repoRoot, 'package.json'), path.join(scratch.dir, 'package.json'));
  const steward = path.join(scratch.dir, 'bot', 'cli', 'steward.mjs');
  mkdirSync(path.dirname(steward), { recursive: true });
  copyFileSync(path.join(repoRoot, 'bot', 'cli', 'steward.mjs'), steward);
  return { root: scratch.dir, steward, remove: scratch.remove };
}
