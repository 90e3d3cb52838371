// `npm run build`: compiles Steward to JavaScript for production (`npm start`, the Docker image), in
// dist/ or the folder given as the argument (tests build into one of their own, so that a build never
// replaces files under a running process). Running the TypeScript sources through tsx costs its loader
// thread, about 34 MB of resident memory (BENCHMARKS.md). The migrations' SQL goes along, where the
// compiled bot/db/migrate.js looks for it. The folder must lie inside the checkout, where the compiled
// program finds node_modules.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = path.resolve(root, process.argv[2] ?? 'dist');
// From scratch: a module or migration removed from the sources must not live on in the build.
rmSync(outDir, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: root, stdio: 'inherit' });
cpSync(path.join(root, 'migrations'), path.join(outDir, 'migrations'), { recursive: true });
