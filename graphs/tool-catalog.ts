/** A tool as MCP `tools/list` describes it: what the flows may offer and run. */
export interface ToolDescription {
  /** `server.tool`, or the bare name when it is unique. */
  name: string;
  description?: string;
  /** JSON Schema (2020-12 by default) of the tool's arguments. */
  inputSchema: Record<string, unknown>;
}

/** What the owner's policy forbids Steward to offer at all (globs such as `delete_*`). */
export interface ToolPolicy {
  redlines: readonly string[];
}
