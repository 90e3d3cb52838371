/** A tool as MCP `tools/list` describes it: what the flows may offer and run. */
export interface ToolDescription {
  /** `server.tool`, or the bare name when it is unique. */
  name: string;
  /** Always `server.tool`: the form a runbook may name it by, whether or not the bare name is unique. */
  qualifiedName?: string;
  description?: string;
  /** JSON Schema (2020-12 by default) of the tool's arguments. */
  inputSchema: Record<string, unknown>;
  /** The server marks it as not changing anything (MCP `annotations.readOnlyHint`); a hint, not a promise. */
  readOnlyHint?: boolean;
  /** The server says it may destroy something (MCP `annotations.destructiveHint`): redlined unless allowed. */
  destructiveHint?: boolean;
}

/** What the owner's policy forbids Steward to offer at all (globs such as `delete_*`), and what it allows of the defaults. */
export interface ToolPolicy {
  redlines: readonly string[];
  /**
   * Tools the owner allows although the server marks them destructive or their name is on the
   * default redline list. Never overrides the owner's own `redlines`.
   */
  allow?: readonly string[];
}

/**
 * Names redlined unless `policy.allow` names them: tools whose names say they destroy. A glob
 * matches a tool's full name (`server.tool`) or its bare name.
 */
export const DEFAULT_REDLINES: readonly string[] = [
  'delete_*',
  '*_delete',
  'drop_*',
  'wipe*',
  'format*',
  'rm*',
  'destroy*',
];

/**
 * Whether a tool may never be offered, listed to a model or run: the owner redlined it, or it is
 * destructive by default (the server's `destructiveHint`, or a name on `DEFAULT_REDLINES`) and the
 * owner has not allowed it.
 */
export function isRedlined(tool: Pick<ToolDescription, 'name' | 'destructiveHint'>, policy: ToolPolicy): boolean {
  if (matchesToolGlob(policy.redlines, tool.name)) return true;
  const destructive = tool.destructiveHint === true || matchesToolGlob(DEFAULT_REDLINES, tool.name);
  return destructive && !matchesToolGlob(policy.allow ?? [], tool.name);
}

/** Each glob compiled once: the option filter checks the redlines for every option of every answer. */
const patterns = new Map<string, RegExp>();

function globPattern(glob: string): RegExp {
  let pattern = patterns.get(glob);
  if (!pattern) {
    pattern = new RegExp(
      `^${glob
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
      'i',
    );
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
