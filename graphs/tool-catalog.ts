/** A tool as MCP `tools/list` describes it: what the flows may offer and run. */
export interface ToolDescription {
  /** `server.tool`, or the bare name when it is unique. */
  name: string;
  description?: string;
  /** JSON Schema (2020-12 by default) of the tool's arguments. */
  inputSchema: Record<string, unknown>;
  /** The server marks it as not changing anything (MCP `annotations.readOnlyHint`); a hint, not a promise. */
  readOnlyHint?: boolean;
}

/** What the owner's policy forbids Steward to offer at all (globs such as `delete_*`). */
export interface ToolPolicy {
  redlines: readonly string[];
}

/** Each glob compiled once: the option filter checks the redlines for every option of every answer. */
const patterns = new Map<string, RegExp>();

function globPattern(glob: string): RegExp {
  let pattern = patterns.get(glob);
  if (!pattern) {
    pattern = new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
    patterns.set(glob, pattern);
  }
  return pattern;
}

/** Whether `name` (`server.tool` or bare) matches one of the globs (`*` for any run of characters), by either form. */
export function matchesToolGlob(globs: readonly string[], name: string): boolean {
  const bare = name.split('.').at(-1)!;
  return globs.some((glob) => {
    const pattern = globPattern(glob);
    return pattern.test(name) || pattern.test(bare);
  });
}
