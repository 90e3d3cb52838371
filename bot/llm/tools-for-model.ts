import type { ToolDescription } from '../../graphs/tool-catalog.ts';

/** The MCP tools as a model is shown them: name, description and input schema, as JSON. */
export function toolsForModel(tools: readonly ToolDescription[]): string {
  return JSON.stringify(
    tools.map((tool) => ({ name: tool.name, description: tool.description ?? '', inputSchema: tool.inputSchema })),
  );
}
