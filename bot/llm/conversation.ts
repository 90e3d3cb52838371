import type OpenAI from 'openai';
import type { ToolDescription } from '../../graphs/tool-catalog.ts';
import { isCloud, type AliasName } from './route-request.ts';
import type { Scrubber } from './scrubber.ts';

type Message = OpenAI.ChatCompletionMessageParam;

/** OpenAI function names allow letters, digits, _ and - only; MCP names may hold a dot (`server.tool`). */
export function functionName(tool: string): string {
  return tool.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
}

/**
 * The messages of one request as they really are, and what each model is sent: the local model the
 * messages themselves, a cloud model each message scrubbed (once; the scrubber keeps placeholders
 * stable across rounds). A conversation can change model half-way, when a tool result turns out to
 * be sensitive: the local model then gets the whole real conversation.
 */
export function createConversation(scrubber: Scrubber, first: readonly Message[]) {
  const messages: Message[] = [...first];
  const scrubbed = new WeakMap<Message, Message>();

  async function hide(message: Message): Promise<Message> {
    const known = scrubbed.get(message);
    if (known) return known;
    const content = typeof message.content === 'string' ? await scrubber.scrub(message.content) : message.content;
    let hidden = { ...message, content } as Message;
    if (message.role === 'assistant' && message.tool_calls) {
      const toolCalls = await Promise.all(
        message.tool_calls.map(async (toolCall) =>
          toolCall.type === 'function'
            ? {
                ...toolCall,
                function: { ...toolCall.function, arguments: await scrubber.scrub(toolCall.function.arguments) },
              }
            : toolCall,
        ),
      );
      hidden = { ...message, content: message.content ?? null, tool_calls: toolCalls };
    }
    scrubbed.set(message, hidden);
    return hidden;
  }

  return {
    push(message: Message): void {
      messages.push(message);
    },
    /** The messages as `alias` may see them. */
    async view(alias: AliasName): Promise<Message[]> {
      return isCloud(alias) ? Promise.all(messages.map(hide)) : [...messages];
    },
  };
}

/** The offered tools as OpenAI functions; for a cloud model descriptions and schema texts are scrubbed too. */
export async function toolFunctions(
  offered: readonly ToolDescription[],
  hide: (text: string) => Promise<string>,
): Promise<OpenAI.ChatCompletionTool[]> {
  return Promise.all(
    offered.map(async (tool) => ({
      type: 'function' as const,
      function: {
        name: functionName(tool.name),
        description: await hide(tool.description ?? ''),
        parameters: (await hideJson(tool.inputSchema, hide)) as Record<string, unknown>,
      },
    })),
  );
}

/**
 * A JSON value (an input schema: descriptions, defaults, enums) through `hide` as one text; keys and
 * structure stay. Should a placeholder have broken the JSON, each string is hidden on its own.
 */
async function hideJson(value: unknown, hide: (text: string) => Promise<string>): Promise<unknown> {
  const text = JSON.stringify(value ?? {});
  const hidden = await hide(text);
  if (hidden === text) return value;
  try {
    return JSON.parse(hidden) as unknown;
  } catch {
    return hideStrings(value, hide);
  }
}

async function hideStrings(value: unknown, hide: (text: string) => Promise<string>): Promise<unknown> {
  if (typeof value === 'string') return hide(value);
  if (Array.isArray(value)) return Promise.all(value.map((item) => hideStrings(item, hide)));
  if (typeof value === 'object' && value !== null) {
    const entries = await Promise.all(
      Object.entries(value).map(async ([key, item]) => [key, await hideStrings(item, hide)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}
