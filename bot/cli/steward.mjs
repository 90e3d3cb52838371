#!/usr/bin/env node
// The `steward` command. It runs the TypeScript sources, with no build step (the service runs the
// compiled build, see scripts/build.mjs): register tsx's loader (resolved from this package, so the
// command works from any directory), then load the program.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('./program.ts');
await runCli(process.argv, process.env);
