import { z } from 'zod';
import { ConfigError } from '../config/index.ts';

const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/i, { message: 'must be letters, digits, - or _ (it prefixes tool names)' });

const stdioServer = z
  .object({
    name,
    command: z.string().min(1),
    args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
    cwd: z.string().optional(),
    timeoutMs: z.number().int().positive().optional(),
  })
  .strict();
const httpServer = z
  .object({
    name,
    url: z.url({ protocol: /^https?$/ }),
    headers: z.record(z.string(), z.string()).default({}),
    timeoutMs: z.number().int().positive().optional(),
  })
  .strict();

export type StdioServerConfig = z.infer<typeof stdioServer>;
export type HttpServerConfig = z.infer<typeof httpServer>;
export type McpServerConfig = StdioServerConfig | HttpServerConfig;

const mcpSchema = z.object({ servers: z.array(z.union([stdioServer, httpServer])).default([]) }).strict();

/**
 * The `mcp` section of STEWARD_CONFIG: `{name, command, args, env}` for a stdio server Steward
 * starts, or `{name, url, headers}` for a Streamable HTTP one. `${VAR}` in env and headers is taken
 * from Steward's environment, so tokens stay out of the file.
 */
export function readMcpConfig(section: unknown, env: Readonly<Record<string, string | undefined>>): McpServerConfig[] {
  const parsed = mcpSchema.safeParse(section ?? {});
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: 'STEWARD_CONFIG',
        message: `mcp.${issue.path.join('.')}: ${issue.message}`,
      })),
    );
  }
  const names = new Set<string>();
  for (const server of parsed.data.servers) {
    if (names.has(server.name))
      throw new ConfigError([
        { variable: 'STEWARD_CONFIG', message: `mcp.servers: the name "${server.name}" is used twice` },
      ]);
    names.add(server.name);
  }
  const expand = (values: Record<string, string>, where: string) =>
    Object.fromEntries(
      Object.entries(values).map(([key, value]) => [
        key,
        value.replace(/\$\{(\w+)\}/g, (_, variable: string) => {
          const found = env[variable];
          if (found === undefined)
            throw new ConfigError([
              { variable: 'STEWARD_CONFIG', message: `${where}.${key} uses \${${variable}}, which is not set` },
            ]);
          return found;
        }),
      ]),
    );
  return parsed.data.servers.map((server) =>
    'command' in server
      ? { ...server, env: expand(server.env, `mcp.${server.name}.env`) }
      : { ...server, headers: expand(server.headers, `mcp.${server.name}.headers`) },
  );
}
