import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './service-process.ts';

/** `npm start` as package.json has it: `[NAME=value …] node <arguments>`. */
export interface StartCommand {
  env: Record<string, string>;
  /** Node's arguments: flags and the entry point. */
  args: string[];
}

export function npmStartCommand(): StartCommand {
  const start = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
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

export interface CompiledStart extends StartCommand {
  /** Removes the build. */
  remove(): void;
}

/**
 * `npm start`'s command on a build of its own (scripts/build.mjs into a fresh folder of the checkout,
 * where node_modules resolves): what runs in production, without touching dist/ under anyone else.
 */
export function buildForStart(): CompiledStart {
  const cache = path.join(repoRoot, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const outDir = mkdtempSync(path.join(cache, 'steward-build-'));
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build.mjs'), outDir], { cwd: repoRoot, stdio: 'inherit' });
  const start = npmStartCommand();
  const entry = start.args.at(-1)!;
  if (!entry.startsWith('dist/')) throw new Error(`npm start does not run the build in dist/: ${entry}`);
  return {
    env: start.env,
    args: [...start.args.slice(0, -1), path.join(outDir, entry.slice('dist/'.length))],
    remove: () => rmSync(outDir, { recursive: true, force: true }),
  };
}
