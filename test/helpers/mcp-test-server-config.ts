import { fileURLToPath } from 'node:url';

/** The stdio MCP test server (test/fakes/mcp-test-server.ts), run the way Steward runs any stdio server. */
export const mcpTestServer = fileURLToPath(new URL('../fakes/mcp-test-server.ts', import.meta.url));

/** The `mcp:` section of a STEWARD_CONFIG that starts the test server as `name`, with `env` as YAML flow text. */
export function mcpTestServerSection(name: string, env: Record<string, string>): string[] {
  const pairs = Object.entries(env)
    .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
    .join(', ');
  return [
    'mcp:',
    '  servers:',
    `    - name: ${name}`,
    `      command: ${process.execPath}`,
    `      args: ["--import", "tsx", ${JSON.stringify(mcpTestServer)}]`,
    `      env: { ${pairs} }`,
  ];
}
