#!/usr/bin/env node
// The `steward` command. Steward is TypeScript run without a build step: register tsx's loader
// (resolved from this package, so the command works from any directory), then load the program.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('./program.ts');
await runCli(process.argv, process.env);
