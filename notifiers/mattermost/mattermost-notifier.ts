import axios from 'axios';
import WebSocket from 'ws';
import {
  ChatSendError,
  type ChatImage,
  type ChatNotifier,
  type ChatOption,
  type InboundReply,
  type OutgoingMessage,
  type SentMessage,
} from '../../graphs/chat-port.ts';
import { inert } from '../../graphs/inert-text.ts';
import { renderMessage, splitMessage } from '../../graphs/render-message.ts';
import { backoffDelay } from '../../graphs/backoff.ts';
import { parseJsonFrame } from '../websocket-frames.ts';
import { signAction } from './action-signature.ts';
import { decodePostedEvent } from './decode-posted.ts';

/** Mattermost's default MaxPostSize is 16,383 characters; stay well inside it. */
const POST_LIMIT = 15_000;

export type MattermostLog = (
  level: 'info' | 'warn' | 'error',
  message: string,
  details?: Record<string, unknown>,
) => void;

export interface MattermostNotifierOptions {
  /** e.g. https://chat.home.arpa */
  url: string;
  /** The bot account's access token. */
  token: string;
  channelId: string;
  /** How Mattermost reaches Steward for button callbacks; without it questions carry no buttons. */
  publicUrl?: string;
  /** Signs button contexts (see action-signature.ts). */
  actionSecret: string;
  /** How long a button stays valid (default 24 h, like an approval). */
  actionTtlMs?: number;
  log: MattermostLog;
  reconnectMs?: number;
  maxReconnectMs?: number;
  now?: () => number;
  random?: () => number;
}

/**
 * Mattermost through its REST API v4 (posts, with buttons for questions) and its websocket (thread
 * and channel replies arrive as `posted` events, so text replies need no public URL).
 */
export function createMattermostNotifier(
  options: MattermostNotifierOptions,
): ChatNotifier & { botUserId(): string | undefined } {
  const http = axios.create({
    baseURL: `${options.url.replace(/\/$/, '')}/api/v4`,
    timeout: 15_000,
    headers: { authorization: `Bearer ${options.token}` },
    validateStatus: () => true,
  });
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const channels = new Set([options.channelId]);
  let botUserId: string | undefined;
  let running = false;
  let socket: WebSocket | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;

  function buttons(message: OutgoingMessage): Record<string, unknown> | undefined {
    if (message.kind !== 'question' || !options.publicUrl) return undefined;
    const url = `${options.publicUrl.replace(/\/$/, '')}/mattermost/actions`;
    const expires = now() + (options.actionTtlMs ?? 24 * 3_600_000);
    const action = (id: string, name: string, option: string, style: string) => ({
      id,
      type: 'button',
      name,
      style,
      integration: { url, context: signAction(options.actionSecret, message.questionId, option, expires) },
    });
    const actions = message.options.map((option) =>
      action(
        `option${option.number}`,
        buttonName(option),
        String(option.number),
        option.risk === 'high' ? 'danger' : option.number === 1 ? 'primary' : 'default',
      ),
    );
    actions.push(action('ignore', 'Ignore', 'ignore', 'default'));
    return { attachments: [{ fallback: message.replyHint, actions }] };
  }

  async function createPost(body: Record<string, unknown>): Promise<string> {
    let response;
    try {
      response = await http.post('/posts', body);
    } catch (error) {
      throw new ChatSendError(`Mattermost unreachable: ${(error as Error).message}`, { retryable: true, cause: error });
    }
    if (response.status === 201) return String((response.data as { id: unknown }).id);
    const detail = (response.data as { message?: string } | undefined)?.message ?? `status ${response.status}`;
    if (response.status === 429) {
      const reset = Number(response.headers['x-ratelimit-reset']);
      throw new ChatSendError(`Mattermost rate limit: ${detail}`, {
        retryable: true,
        retryAfterMs: reset > 0 ? reset * 1000 : 10_000,
      });
    }
    throw new ChatSendError(`Mattermost refused the post: ${detail}`, { retryable: response.status >= 500 });
  }

  /** Uploads a picture to the channel (POST /api/v4/files, multipart) and returns its file id for the post. */
  async function uploadImage(channelId: string, image: ChatImage): Promise<string> {
    const form = new FormData();
    form.append('channel_id', channelId);
    form.append('files', new Blob([Buffer.from(image.base64, 'base64')], { type: image.contentType }), image.filename);
    let response;
    try {
      response = await http.post('/files', form);
    } catch (error) {
      throw new ChatSendError(`Mattermost unreachable: ${(error as Error).message}`, { retryable: true, cause: error });
    }
    const id = (response.data as { file_infos?: { id?: unknown }[] } | undefined)?.file_infos?.[0]?.id;
    if (response.status === 201 && typeof id === 'string') return id;
    const detail = (response.data as { message?: string } | undefined)?.message ?? `status ${response.status}`;
    throw new ChatSendError(`Mattermost refused the file: ${detail}`, {
      retryable: response.status >= 500 || response.status === 429,
    });
  }

  /** Redraws a question with what became of it, and without its buttons. */
  async function patchPost(postId: string, message: string): Promise<boolean> {
    let response;
    try {
      response = await http.put(`/posts/${encodeURIComponent(postId)}/patch`, { message, props: { attachments: [] } });
    } catch (error) {
      throw new ChatSendError(`Mattermost unreachable: ${(error as Error).message}`, { retryable: true, cause: error });
    }
    if (response.status === 200) return true;
    if (response.status === 404 || response.status === 403) return false; // deleted, or not ours: post a reply instead
    throw new ChatSendError(`Mattermost refused the edit: status ${response.status}`, {
      retryable: response.status >= 500 || response.status === 429,
    });
  }

  function connect(onReply: (reply: InboundReply) => Promise<void>, attempt: number, downSince?: number): void {
    if (!running) return;
    const url = `${options.url.replace(/^http/, 'ws').replace(/\/$/, '')}/api/v4/websocket`;
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${options.token}` } });
    socket = ws;
    ws.on('open', () => {
      // Some proxies drop the upgrade's Authorization header; the challenge authenticates in-band too.
      ws.send(JSON.stringify({ seq: 1, action: 'authentication_challenge', data: { token: options.token } }));
    });
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      const frame = parseJsonFrame(data, isBinary);
      if (frame === undefined) return;
      if ((frame as { event?: unknown }).event === 'hello') {
        attempt = 0;
        if (downSince !== undefined)
          options.log('warn', 'Mattermost websocket reconnected; replies posted meanwhile are not replayed', {
            downMs: now() - downSince,
          });
        downSince = undefined;
        return;
      }
      const decoded = decodePostedEvent(frame, botUserId ?? '', channels);
      if ('reply' in decoded) {
        void onReply(decoded.reply).catch((error: unknown) =>
          options.log('error', 'handling a Mattermost reply failed', { error: (error as Error).message }),
        );
      }
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (!running) return;
      const since = downSince ?? now();
      const delay = backoffDelay(attempt, {
        baseMs: options.reconnectMs ?? 250,
        maxMs: options.maxReconnectMs ?? 10_000,
        jitter: 0.5,
        random,
      });
      reconnectTimer = setTimeout(() => connect(onReply, attempt + 1, since), delay);
    });
  }

  return {
    platform: 'mattermost',
    botUserId: () => botUserId,

    async send(message: OutgoingMessage, conversation?: string): Promise<SentMessage> {
      const parts = splitMessage(renderMessage(message, 'markdown'), POST_LIMIT);
      const ids: string[] = [];
      const channelId = conversation ?? options.channelId;
      const image =
        message.kind === 'notice' && message.image ? await uploadImage(channelId, message.image) : undefined;
      for (const [index, part] of parts.entries()) {
        // Buttons go on the last part, under the options they answer; later parts thread under the first.
        const props = index === parts.length - 1 ? buttons(message) : undefined;
        ids.push(
          await createPost({
            channel_id: channelId,
            message: part,
            ...(ids[0] ? { root_id: ids[0] } : {}),
            ...(props ? { props } : {}),
            ...(index === 0 && image ? { file_ids: [image] } : {}),
          }),
        );
      }
      return { platformRef: ids[0]!, partRefs: ids };
    },

    async followUp(target, message, conversation) {
      const outcome = renderMessage(message, 'markdown');
      const question = renderMessage(message.original, 'markdown');
      const single = splitMessage(question, POST_LIMIT).length === 1;
      if (single && (await patchPost(target, `${question}\n\n---\n${outcome}`.slice(0, POST_LIMIT))))
        return { platformRef: target };
      // A question long enough to be split keeps its parts; the outcome goes in its thread.
      return {
        platformRef: await createPost({
          channel_id: conversation ?? options.channelId,
          message: outcome.slice(0, POST_LIMIT),
          root_id: target,
        }),
      };
    },

    async start(onReply) {
      const me = await http.get('/users/me');
      if (me.status !== 200) throw new Error(`Mattermost /users/me answered ${me.status}: check MATTERMOST_TOKEN`);
      botUserId = String((me.data as { id: unknown }).id);
      running = true;
      options.log('info', 'Mattermost receiving', { channel: options.channelId });
      connect(onReply, 0);
    },

    stop() {
      running = false;
      clearTimeout(reconnectTimer);
      socket?.close();
      return Promise.resolve();
    },
  };
}

/**
 * A button's name: the tool it runs (the post above it shows the whole call), or Steward's label for
 * an option that runs none. Never a model's words alone, never able to mention anyone.
 */
function buttonName(option: ChatOption): string {
  const [first, ...rest] = option.calls ?? [];
  const what = first ? `${first.tool}${rest.length > 0 ? ` +${rest.length} more` : ''}` : option.label;
  return inert(`${option.number}. ${what}`, 60);
}
