import { existsSync, readFileSync } from 'node:fs';

/** One call the MCP test server received, as it logs it (test/fakes/mcp-test-server.ts). */
export interface McpCall {
  tool: string;
  /** Every tool but `crash` (which takes none) logs its arguments. */
  arguments: Record<string, unknown>;
  /** The server process that took it: a restarted server logs another. */
  pid: number;
  /** When get_application was asked (ms since the epoch). */
  at?: number;
}

/** The calls logged in `log` (the server's $MCP_CALL_LOG, one JSON line each) so far; none before the first. */
export function readMcpCalls(log: string): McpCall[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as McpCall);
}
