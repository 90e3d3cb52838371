import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './read-config.ts';

/**
 * The optional YAML file named by STEWARD_CONFIG, for settings that do not fit in variables.
 * Top-level keys are strict so that a typo is caught; each section's own schema lives with the
 * feature that uses it and is applied there.
 */
export const structuredConfigSchema = z
  .object({
    mcp: z.record(z.string(), z.unknown()).optional(),
    schedules: z.array(z.unknown()).optional(),
    policy: z.record(z.string(), z.unknown()).optional(),
    routing: z.record(z.string(), z.unknown()).optional(),
    renovate: z.record(z.string(), z.unknown()).optional(),
    webhooks: z.record(z.string(), z.unknown()).optional(),
    investigation: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type StructuredConfig = z.infer<typeof structuredConfigSchema>;

export async function loadStructuredConfig(filePath: string | undefined): Promise<StructuredConfig> {
  if (!filePath) return {};
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError([{ variable: 'STEWARD_CONFIG', message: `cannot read ${filePath} (${reason})` }]);
  }
  return parseStructuredConfig(text, filePath);
}

export function parseStructuredConfig(text: string, source: string): StructuredConfig {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    const line = first.linePos?.[0]?.line ?? '?';
    throw new ConfigError([
      { variable: 'STEWARD_CONFIG', message: `${source}:${line}: ${first.message.split('\n')[0]}` },
    ]);
  }
  const parsed = structuredConfigSchema.safeParse(document.toJS() ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => ({
      variable: 'STEWARD_CONFIG',
      message: `${source}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`,
    }));
    throw new ConfigError(problems);
  }
  return parsed.data;
}
