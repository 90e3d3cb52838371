import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeFakeServer } from './close-server.ts';

export interface ScriptedReply {
  status?: number;
  /** The JSON body for an error; for a 200 the answer's content goes in `content`. */
  body?: unknown;
  content?: string;
  /** A 200 whose message calls these functions (OpenAI `tool_calls`, finish_reason `tool_calls`) instead of answering. */
  toolCalls?: { name: string; arguments: unknown }[];
  headers?: Record<string, string>;
  /** Answer only after this long (a time-out). */
  delayMs?: number;
  /**
   * Only for a request this accepts: a scripted reply waits for the first request of its model that
   * it fits, so that requests sent side by side (triage beside an investigation) take the right one
   * whatever order they arrive in.
   */
  when?: (request: ReceivedRequest) => boolean;
}

/** A request that offers tools and has no tool result yet: an investigation's first round. */
export const gathering = (request: ReceivedRequest): boolean =>
  request.tools !== undefined && !request.messages.some((message) => message.role === 'tool');

export interface ReceivedRequest {
  model: string;
  /** `content` is '' where the request had null (an assistant turn that only called tools). */
  messages: {
    role: string;
    content: string;
    tool_calls?: { id: string; function: { name: string; arguments: string } }[];
    tool_call_id?: string;
  }[];
  tools?: { type: string; function: { name: string; description?: string; parameters?: unknown } }[];
  toolChoice?: unknown;
  responseFormat: unknown;
  authorization: string | undefined;
}

/**
 * A loopback OpenAI-compatible endpoint that speaks as LiteLLM (../shared/specs/litellm.md: Bearer
 * key, cost and model-group headers, its error envelope with `code` as a string) or as Ollama
 * (../shared/specs/ollama.md: no key, no cost headers, 404 `not_found_error` for a model not pulled).
 * Replies are scripted per model; unscripted calls answer `defaultContent`.
 */
export async function startLlmProxyFake(options: {
  flavour: 'litellm' | 'ollama';
  apiKey?: string;
  models: string[];
  defaultContent?: (request: ReceivedRequest) => string;
  /** Unscripted calls that offer tools call these (none when it returns undefined), as a model gathering evidence would. */
  defaultToolCalls?: (request: ReceivedRequest) => ScriptedReply['toolCalls'];
}) {
  const received: ReceivedRequest[] = [];
  const scripts = new Map<string, ScriptedReply[]>();
  let calls = 0;

  const server = http.createServer((request, response) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    const path = new URL(request.url ?? '/', 'http://fake').pathname;
    if (request.method !== 'POST' || !['/v1/chat/completions', '/chat/completions'].includes(path)) {
      return send(404, { error: { message: 'Not Found', type: 'None', param: 'None', code: '404' } });
    }
    if (options.flavour === 'litellm' && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      return send(401, {
        error: {
          message: 'Authentication Error, Invalid proxy server token passed.',
          type: 'auth_error',
          param: 'None',
          code: '401',
        },
      });
    }
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    request.on('end', () => {
      const body = JSON.parse(raw) as {
        model: string;
        messages: (ReceivedRequest['messages'][number] & { content: string | null })[];
        response_format?: unknown;
        tools?: ReceivedRequest['tools'];
        tool_choice?: unknown;
      };
      const entry: ReceivedRequest = {
        model: body.model,
        messages: body.messages.map((message) => ({ ...message, content: message.content ?? '' })),
        ...(body.tools ? { tools: body.tools, toolChoice: body.tool_choice } : {}),
        responseFormat: body.response_format,
        authorization: request.headers.authorization,
      };
      received.push(entry);
      calls += 1;
      if (!options.models.includes(body.model)) {
        if (options.flavour === 'ollama')
          return send(404, {
            error: {
              message: `model "${body.model}" not found, try pulling it first`,
              type: 'not_found_error',
              param: null,
              code: null,
            },
          });
        return send(400, {
          error: {
            message: `Invalid model name passed in model=${body.model}. Call \`/v1/models\` to view available models for your key.`,
            type: 'None',
            param: 'None',
            code: '400',
          },
        });
      }
      const queued = scripts.get(body.model) ?? [];
      const next = queued.findIndex((scripted) => scripted.when === undefined || scripted.when(entry));
      const script = next >= 0 ? queued.splice(next, 1)[0]! : {};
      const reply = () => {
        if (script.status && script.status !== 200) return send(script.status, script.body, script.headers);
        // A model told tool_choice "none" answers in words, whatever it was scripted to call.
        const wanted =
          script.toolCalls ?? (script.content === undefined ? options.defaultToolCalls?.(entry) : undefined);
        const toolCalls = wanted && body.tools && body.tool_choice !== 'none' ? wanted : undefined;
        const message = toolCalls
          ? {
              role: 'assistant',
              content: null,
              tool_calls: toolCalls.map((toolCall, index) => ({
                id: `call_${calls}_${index}`,
                type: 'function',
                function: { name: toolCall.name, arguments: JSON.stringify(toolCall.arguments) },
              })),
            }
          : { role: 'assistant', content: script.content ?? options.defaultContent?.(entry) ?? 'ok' };
        const completion = {
          id: `chatcmpl-${calls}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, message, finish_reason: toolCalls ? 'tool_calls' : 'stop' }],
          usage: { prompt_tokens: 120 + calls, completion_tokens: 30, total_tokens: 150 + calls },
        };
        const headers =
          options.flavour === 'litellm'
            ? {
                'x-litellm-response-cost': '0.00042',
                'x-litellm-model-group': body.model,
                'x-litellm-call-id': `call-${calls}`,
                ...script.headers,
              }
            : { ...script.headers };
        send(200, completion, headers);
      };
      if (script.delayMs) setTimeout(reply, script.delayMs);
      else reply();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    /** The next calls to `model` answer like this, in order. */
    script(model: string, ...replies: ScriptedReply[]) {
      scripts.set(model, [...(scripts.get(model) ?? []), ...replies]);
    },
    close: () => closeFakeServer(server),
  };
}

export type LlmProxyFake = Awaited<ReturnType<typeof startLlmProxyFake>>;
