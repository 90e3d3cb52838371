import type { ToolDescription } from '../../graphs/tool-catalog.ts';
import type { ToolCallResult } from '../mcp/mcp-hub.ts';
import { describeReadOnlyResult, readOnlyTools, type ReadOnlyToolPolicy } from '../mcp/read-only-tools.ts';

export type QueryToolPolicy = ReadOnlyToolPolicy;

export interface QueryTools {
  offered: ToolDescription[];
  /** Tools the query named that it may not use, and why (said in the log, not to the model). */
  withheld: { name: string; reason: string }[];
  call(name: string, args: Record<string, unknown>): Promise<string>;
}

/**
 * The tools a scheduled query may use: the read-only tools (bot/mcp/read-only-tools.ts) its `tools`
 * names. The model reads each result, a refusal or a failure as text.
 */
export function queryTools(
  wanted: readonly string[],
  available: readonly ToolDescription[],
  policy: QueryToolPolicy,
  run: (name: string, args: Record<string, unknown>) => Promise<ToolCallResult>,
): QueryTools {
  const tools = readOnlyTools(wanted, available, policy, run);
  return {
    offered: tools.offered,
    withheld: tools.withheld,
    call: async (name, args) => describeReadOnlyResult(await tools.call(name, args)),
  };
}
