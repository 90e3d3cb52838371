import { z } from 'zod';
import type { Credentials } from '../../webhooks/authorization.ts';
import { hookName, mappingSchema, type GenericMapping } from '../../webhooks/generic/schema.ts';
import { ConfigError } from './read-config.ts';

export interface GenericWebhooks {
  /** Each name's field mapping, handed to the generic source. */
  mappings: Record<string, GenericMapping>;
  /** Each name's own token, for the route's credential check. */
  credentials: Record<string, Credentials>;
  /** The token values, for the log redactor: a literal token in the file is as secret as a variable. */
  secrets: string[];
}

const hookSchema = mappingSchema.extend({ token: z.string().min(1) }).strict();
const sectionSchema = z.object({ generic: z.record(z.string(), hookSchema).default({}) }).strict();

/**
 * The `webhooks` section of STEWARD_CONFIG: `generic.<name>` is a JSON webhook posted to
 * /webhooks/generic/<name> with its own bearer token. `${VAR}` in a token is taken from Steward's
 * environment, so the token can stay out of the file.
 */
export function readGenericWebhooks(
  section: unknown,
  env: Readonly<Record<string, string | undefined>>,
): GenericWebhooks {
  const parsed = sectionSchema.safeParse(section ?? {});
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: 'STEWARD_CONFIG',
        message: `webhooks.${issue.path.join('.')}: ${issue.message}`,
      })),
    );
  }
  const result: GenericWebhooks = { mappings: {}, credentials: {}, secrets: [] };
  for (const [name, { token: written, ...mapping }] of Object.entries(parsed.data.generic)) {
    const named = hookName.safeParse(name);
    if (!named.success)
      throw new ConfigError([
        { variable: 'STEWARD_CONFIG', message: `webhooks.generic.${name}: the name ${named.error.issues[0]!.message}` },
      ]);
    const token = written.replace(/\$\{(\w+)\}/g, (_, variable: string) => {
      const found = env[variable];
      if (found === undefined || found === '')
        throw new ConfigError([
          {
            variable: 'STEWARD_CONFIG',
            message: `webhooks.generic.${name}.token uses \${${variable}}, which is not set`,
          },
        ]);
      return found;
    });
    // Never echo the token: only its length is wrong.
    if (token.length < 16)
      throw new ConfigError([
        {
          variable: 'STEWARD_CONFIG',
          message: `webhooks.generic.${name}.token must be at least 16 characters (use a long random token)`,
        },
      ]);
    result.mappings[name] = mapping;
    result.credentials[name] = { bearer: token };
    result.secrets.push(token);
  }
  return result;
}
