import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { isRedlined, matchesToolGlob, type ToolDescription, type ToolPolicy } from '../../graphs/tool-catalog.ts';

export interface ProposedAction {
  label: string;
  tool: string;
  arguments: Record<string, unknown>;
  impact: string;
  risk: 'low' | 'medium' | 'high';
  reversible: boolean;
}

export interface Dropped {
  tool: string;
  reason: string;
}

// One compiler and one compiled validator per distinct schema for the whole process: a filter is made
// for every answer, and compiling (20–30 ms) was most of the time from a reply to its tool call.
const ajv = new Ajv2020({ strict: false, allErrors: false });
const validators = new Map<string, ValidateFunction | Error>();

function validatorFor(tool: ToolDescription): ValidateFunction | Error {
  // Servers declare draft-07 as often as 2020-12; the keywords tool schemas use mean the same in
  // both, and Ajv refuses a `$schema` it was not built for.
  const schema = { ...tool.inputSchema };
  delete schema.$schema;
  const key = JSON.stringify(schema);
  let validator = validators.get(key);
  if (!validator) {
    try {
      validator = ajv.compile(schema);
    } catch (error) {
      validator = error instanceof Error ? error : new Error(String(error));
    }
    validators.set(key, validator);
  }
  return validator;
}

/**
 * Only tools that exist, with arguments valid against their own schema, that policy does not forbid:
 * anything else a model proposes is dropped before a human ever sees it, and so can never run.
 */
export function createOptionFilter(tools: readonly ToolDescription[], policy: ToolPolicy) {
  // A call may name a tool by its listed name or as `server.tool` (a runbook's form), as the hub resolves it.
  const byName = new Map(
    tools.flatMap((tool) => [
      [tool.name, tool] as const,
      ...(tool.qualifiedName ? [[tool.qualifiedName, tool] as const] : []),
    ]),
  );

  /** Why a tool call may not be offered or run, or undefined when it may. */
  function problemWith(call: Pick<ProposedAction, 'tool' | 'arguments'>): string | undefined {
    const tool = byName.get(call.tool);
    if (!tool) return 'no such tool';
    if (isRedlined(tool, policy))
      return tool.destructiveHint === true && !matchesToolGlob(policy.redlines, call.tool)
        ? 'destructive (the server says so) and not allowed by policy'
        : 'forbidden by policy';
    const validate = validatorFor(tool);
    if (validate instanceof Error) return `the tool's input schema cannot be used: ${validate.message}`;
    if (!validate(call.arguments))
      return `arguments do not match the tool's schema: ${ajv.errorsText(validate.errors)}`;
    return undefined;
  }

  return {
    problemWith,

    filter(options: readonly ProposedAction[]): { kept: ProposedAction[]; dropped: Dropped[] } {
      const kept: ProposedAction[] = [];
      const dropped: Dropped[] = [];
      for (const option of options) {
        const problem = problemWith(option);
        if (problem) dropped.push({ tool: option.tool, reason: problem });
        else kept.push(option);
      }
      return { kept, dropped };
    },
  };
}
