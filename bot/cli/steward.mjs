#!/usr/bin/env node
// The `steward` command. In a checkout it runs the TypeScript sources through tsx's loader (resolved
// from this package, so the command works from any directory), with no build step to forget. The
// Docker image holds no sources, only the build (scripts/build.mjs), and there it runs that.
import { existsSync } from 'node:fs';

const fromSources = existsSync(new URL('./program.ts', import.meta.url));
if (fromSources) (await import('tsx/esm/api')).register();
const { runCli } = fromSources
  ? await import('./program.ts')
  : /** @type {typeof import('./program.ts')} */ (
      await import(new URL('../../dist/bot/cli/program.js', import.meta.url).href)
    );
await runCli(process.argv, process.env);
