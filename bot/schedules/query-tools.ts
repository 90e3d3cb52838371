import { isRedlined, matchesToolGlob, type ToolDescription, type ToolPolicy } from '../../graphs/tool-catalog.ts';
import { createOptionFilter } from '../llm/admissible-options.ts';
import type { ToolCallResult } from '../mcp/mcp-hub.ts';

export interface QueryToolPolicy extends ToolPolicy {
  /** Globs of tools the owner vouches are read-only. */
  readOnly: readonly string[];
}

export interface QueryTools {
  offered: ToolDescription[];
  /** Tools the query named that it may not use, and why (said in the log, not to the model). */
  withheld: { name: string; reason: string }[];
  call(name: string, args: Record<string, unknown>): Promise<string>;
}

/**
 * The tools a scheduled query may use: those its `tools` names (globs), that change nothing (the
 * server marks them readOnlyHint or the owner lists them in `policy.read_only`), and that no redline
 * forbids. Whatever the model asks for, only these run, and only with arguments valid against the
 * tool's own schema.
 */
export function queryTools(wanted: readonly string[], available: readonly ToolDescription[], policy: QueryToolPolicy, run: (name: string, args: Record<string, unknown>) => Promise<ToolCallResult>): QueryTools {
  const offered: ToolDescription[] = [];
  const withheld: { name: string; reason: string }[] = [];
  for (const tool of available) {
    if (!matchesToolGlob(wanted, tool.name)) continue;
    if (isRedlined(tool, policy)) withheld.push({ name: tool.name, reason: 'forbidden by policy' });
    else if (tool.readOnlyHint !== true && !matchesToolGlob(policy.readOnly, tool.name)) withheld.push({ name: tool.name, reason: 'not read-only (neither readOnlyHint nor policy.read_only)' });
    else offered.push(tool);
  }
  const filter = createOptionFilter(offered, policy);
  return {
    offered,
    withheld,
    async call(name, args) {
      const problem = filter.problemWith({ tool: name, arguments: args });
      if (problem) return `Refused: ${name}: ${problem === 'no such tool' ? 'not one of the read-only tools offered' : problem}.`;
      const result = await run(name, args);
      return result.ok ? result.text : `The tool failed (${result.kind}): ${result.error}`;
    },
  };
}
