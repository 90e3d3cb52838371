import { isRedlined, matchesToolGlob, type ToolDescription, type ToolPolicy } from '../../graphs/tool-catalog.ts';
import { createOptionFilter } from '../llm/admissible-options.ts';
import type { ToolCallResult } from './mcp-hub.ts';

export interface ReadOnlyToolPolicy extends ToolPolicy {
  /** Globs of tools the owner vouches are read-only. */
  readOnly: readonly string[];
}

/** What a read-only call came to: ran (its text), refused before running, or failed in the tool. */
export type ReadOnlyCallResult =
  | { status: 'ran'; text: string }
  | { status: 'refused'; reason: string }
  | { status: 'failed'; kind: string; error: string };

export interface ReadOnlyTools {
  offered: ToolDescription[];
  /** Tools wanted that may not be used, and why (said in the log, not to the model). */
  withheld: { name: string; reason: string }[];
  /** Runs a call only if it names an offered tool with arguments valid against the tool's own schema. */
  call(name: string, args: Record<string, unknown>): Promise<ReadOnlyCallResult>;
}

/**
 * The tools a model may call to look, never to change: those `wanted` names (globs, `*` for all), that
 * change nothing (the server marks them readOnlyHint or the owner lists them in `policy.read_only`),
 * and that no redline forbids. Whatever the model asks for, only these run, and only with arguments
 * valid against the tool's own schema. Scheduled queries and investigations both use it.
 */
export function readOnlyTools(
  wanted: readonly string[],
  available: readonly ToolDescription[],
  policy: ReadOnlyToolPolicy,
  run: (name: string, args: Record<string, unknown>) => Promise<ToolCallResult>,
): ReadOnlyTools {
  const offered: ToolDescription[] = [];
  const withheld: { name: string; reason: string }[] = [];
  for (const tool of available) {
    if (!matchesToolGlob(wanted, tool.name)) continue;
    if (isRedlined(tool, policy)) withheld.push({ name: tool.name, reason: 'forbidden by policy' });
    else if (tool.readOnlyHint !== true && !matchesToolGlob(policy.readOnly, tool.name))
      withheld.push({ name: tool.name, reason: 'not read-only (neither readOnlyHint nor policy.read_only)' });
    else offered.push(tool);
  }
  const filter = createOptionFilter(offered, policy);
  return {
    offered,
    withheld,
    async call(name, args) {
      const problem = filter.problemWith({ tool: name, arguments: args });
      if (problem)
        return {
          status: 'refused',
          reason: `${name}: ${problem === 'no such tool' ? 'not one of the read-only tools offered' : problem}`,
        };
      const result = await run(name, args);
      return result.ok
        ? { status: 'ran', text: result.text }
        : { status: 'failed', kind: result.kind, error: result.error };
    },
  };
}

/** A call's result as a model reads it. */
export function describeReadOnlyResult(result: ReadOnlyCallResult): string {
  if (result.status === 'ran') return result.text;
  return result.status === 'refused'
    ? `Refused: ${result.reason}.`
    : `The tool failed (${result.kind}): ${result.error}`;
}
