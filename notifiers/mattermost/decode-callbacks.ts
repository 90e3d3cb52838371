import { z } from 'zod';

/**
 * The two requests Mattermost makes to Steward (../shared/specs/mattermost.md §1–2): a button click
 * (JSON, no authentication of its own: the context carries a signature) and a slash command
 * (form-encoded, with the command's token).
 */
const actionRequestSchema = z.object({
  user_id: z.string().min(1),
  user_name: z.string().optional(),
  channel_id: z.string().optional(),
  post_id: z.string().min(1),
  trigger_id: z.string().optional(),
  context: z.record(z.string(), z.unknown()),
});

export type ActionRequest = z.infer<typeof actionRequestSchema>;

const slashCommandSchema = z.object({
  token: z.string().optional(),
  user_id: z.string().min(1),
  user_name: z.string().optional(),
  channel_id: z.string().min(1),
  command: z.string().optional(),
  text: z.string().default(''),
  trigger_id: z.string().optional(),
});

export type SlashCommand = z.infer<typeof slashCommandSchema>;

export type Decoded<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

export function decodeActionRequest(body: unknown): Decoded<ActionRequest> {
  return decode(actionRequestSchema, body);
}

export function decodeSlashCommand(body: unknown): Decoded<SlashCommand> {
  return decode(slashCommandSchema, body);
}

function decode<T>(schema: z.ZodType<T>, body: unknown): Decoded<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { ok: false, field: issue.path.join('.') || 'body', message: issue.message };
}

/** The command token, from `Authorization: Token …` (what the server sends) or the form field. */
export function slashToken(authorization: string | undefined, form: { token?: string }): string | undefined {
  const match = /^Token\s+(\S+)$/i.exec(authorization ?? '');
  return match?.[1] ?? form.token;
}
