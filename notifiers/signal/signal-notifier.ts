import axios, { type AxiosInstance } from 'axios';
import WebSocket from 'ws';
import {
  ChatSendError,
  type ChatImage,
  type ChatNotifier,
  type InboundReply,
  type OutgoingMessage,
  type SentMessage,
} from '../../graphs/chat-port.ts';
import { needsPlainSignalText, renderMessage, splitMessage } from '../../graphs/render-message.ts';
import { backoffDelay } from '../../graphs/backoff.ts';
import { parseJsonFrame } from '../websocket-frames.ts';
import { decodeEnvelope } from './decode-envelope.ts';
import { sendResponseSchema } from './schema.ts';

/** Signal shows long texts, but beyond ~2,000 characters as an attachment; split before that. */
const MESSAGE_LIMIT = 2_000;
const RATE_LIMIT_RETRY_MS = 60_000;
const CHALLENGE_RETRY_MS = 15 * 60_000;

export type SignalLog = (level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>) => void;

export interface SignalNotifierOptions {
  /** signal-cli-rest-api, e.g. http://signal-cli-rest-api:8080 */
  apiUrl: string;
  /** The bot's own registered number. */
  number: string;
  /** E.164 numbers, or exactly one `group.<id>`. */
  recipients: readonly string[];
  log: SignalLog;
  requestTimeoutMs?: number;
  /** First reconnect delay, doubled up to `maxReconnectMs`, with jitter (defaults 250 ms, 10 s). */
  reconnectMs?: number;
  maxReconnectMs?: number;
  random?: () => number;
  /** Least time between two sends to one conversation (default 1 s): Signal rate-limits bursts. */
  paceMs?: number;
}

/**
 * Signal through signal-cli-rest-api. The mode is read from `GET /v1/about`: in json-rpc mode replies
 * arrive over a websocket that must stay connected (messages arriving while it is down are lost
 * upstream, so it reconnects at once, with backoff and jitter, and logs how long it was away); in
 * normal mode `GET /v1/receive` is polled.
 */
export function createSignalNotifier(options: SignalNotifierOptions): ChatNotifier & { mode(): string | undefined } {
  const http: AxiosInstance = axios.create({
    baseURL: options.apiUrl,
    timeout: options.requestTimeoutMs ?? 15_000,
    validateStatus: () => true,
  });
  const random = options.random ?? Math.random;
  const receivePath = `/v1/receive/${encodeURIComponent(options.number)}`;
  let mode: string | undefined;
  let running = false;
  let socket: WebSocket | undefined;
  let pollLoop: Promise<void> | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;

  /**
   * Signal's styled mode removes every `*`, `|`, `~` and backtick from the text, whether or not they
   * pair up: a message that holds one (a glob in a tool call) goes as plain text, so it reads as sent.
   */
  function textOf(message: OutgoingMessage): { text: string; mode: 'styled' | 'normal' } {
    return needsPlainSignalText(message)
      ? { text: renderMessage(message, 'plain'), mode: 'normal' }
      : { text: renderMessage(message, 'signal-styled'), mode: 'styled' };
  }

  async function postSend(
    text: string,
    mode: 'styled' | 'normal',
    recipients: readonly string[],
    quote?: { timestamp: number },
    image?: ChatImage,
  ): Promise<string> {
    let response;
    // A quote of our own message: the reader sees which question this follows up.
    const quoting = quote ? { quote_timestamp: quote.timestamp, quote_author: options.number } : {};
    // The data-URI form names the file, so the phone shows "incidents-per-day.png" rather than a blob.
    const attachments = image
      ? { base64_attachments: [`data:${image.contentType};filename=${image.filename};base64,${image.base64}`] }
      : {};
    try {
      response = await http.post('/v2/send', {
        number: options.number,
        recipients,
        message: text,
        text_mode: mode,
        ...quoting,
        ...attachments,
      });
    } catch (error) {
      throw new ChatSendError(`signal-cli-rest-api unreachable: ${(error as Error).message}`, {
        retryable: true,
        cause: error,
      });
    }
    if (response.status === 429) {
      const body = response.data as { challenge_tokens?: unknown[] } | undefined;
      const challenge = Array.isArray(body?.challenge_tokens) && body.challenge_tokens.length > 0;
      const retryAfter = Number(response.headers['retry-after']) * 1000;
      throw new ChatSendError(
        challenge ? 'Signal demands a rate-limit challenge (captcha) for this account' : 'Signal rate limit',
        {
          retryable: true,
          retryAfterMs: retryAfter > 0 ? retryAfter : challenge ? CHALLENGE_RETRY_MS : RATE_LIMIT_RETRY_MS,
        },
      );
    }
    if (response.status >= 500)
      throw new ChatSendError(`signal-cli-rest-api answered ${response.status}`, { retryable: true });
    if (response.status !== 200 && response.status !== 201) {
      const error = (response.data as { error?: string } | undefined)?.error ?? `status ${response.status}`;
      throw new ChatSendError(`signal-cli-rest-api refused the message: ${error}`, { retryable: false });
    }
    return timestampOf(response.data, recipients.length);
  }

  function timestampOf(data: unknown, recipientCount: number): string {
    const parsed = sendResponseSchema.safeParse(data);
    if (!parsed.success)
      throw new ChatSendError('signal-cli-rest-api answered with an unknown shape', { retryable: false });
    const result = Array.isArray(parsed.data) ? parsed.data[0]! : parsed.data;
    const failed = result.errors?.recipients ?? [];
    if (failed.length > 0) {
      const reasons = failed.map((recipient) => recipient.reason);
      if (failed.length >= recipientCount) {
        const retryable = reasons.every((reason) => reason === 'RATE_LIMIT_FAILURE' || reason === 'NETWORK_FAILURE');
        throw new ChatSendError(`Signal could not deliver to any recipient: ${reasons.join(', ')}`, {
          retryable,
          retryAfterMs: reasons.includes('RATE_LIMIT_FAILURE') ? RATE_LIMIT_RETRY_MS : undefined,
        });
      }
      options.log('warn', 'Signal could not deliver to some recipients', {
        failed: failed.map((recipient) => ({ reason: recipient.reason })),
      });
    }
    return String(result.timestamp);
  }

  function connectSocket(onReply: (reply: InboundReply) => Promise<void>, attempt: number, downSince?: number): void {
    if (!running) return;
    const url = `${options.apiUrl.replace(/^http/, 'ws')}${receivePath}`;
    const ws = new WebSocket(url);
    socket = ws;
    ws.on('open', () => {
      attempt = 0;
      if (downSince !== undefined)
        options.log('warn', 'Signal receive socket reconnected; messages sent meanwhile may be lost upstream', {
          downMs: Date.now() - downSince,
        });
      downSince = undefined;
    });
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      const frame = parseJsonFrame(data, isBinary);
      if (frame === undefined) return;
      if (frame && typeof frame === 'object' && 'error' in frame) {
        options.log('warn', 'signal-cli-rest-api reported an error on the receive socket', { error: frame.error });
        return;
      }
      deliver(frame, onReply);
    });
    ws.on('error', () => undefined); // 'close' follows and reconnects
    ws.on('close', () => {
      if (!running) return;
      const since = downSince ?? Date.now();
      const delay = backoffDelay(attempt, {
        baseMs: options.reconnectMs ?? 250,
        maxMs: options.maxReconnectMs ?? 10_000,
        jitter: 0.5,
        random,
      });
      reconnectTimer = setTimeout(() => connectSocket(onReply, attempt + 1, since), delay);
    });
  }

  async function poll(onReply: (reply: InboundReply) => Promise<void>): Promise<void> {
    let failures = 0;
    while (running) {
      try {
        const response = await http.get(receivePath, { params: { timeout: '1' }, timeout: 30_000 });
        if (response.status !== 200 || !Array.isArray(response.data))
          throw new Error(`receive answered ${response.status}`);
        failures = 0;
        for (const frame of response.data as unknown[]) deliver(frame, onReply);
      } catch (error) {
        failures += 1;
        if (failures === 1) options.log('warn', 'Signal receive failed; retrying', { error: (error as Error).message });
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(failures, { baseMs: 250, maxMs: 10_000 })));
      }
    }
  }

  function deliver(frame: unknown, onReply: (reply: InboundReply) => Promise<void>): void {
    const decoded = decodeEnvelope(frame, options.number);
    if ('ignored' in decoded) return;
    void onReply(decoded.reply).catch((error: unknown) =>
      options.log('error', 'handling a Signal reply failed', { error: (error as Error).message }),
    );
  }

  return {
    platform: 'signal',
    pacing: { minIntervalMs: options.paceMs ?? 1_000, coalesce: true },
    mode: () => mode,

    async send(message: OutgoingMessage, conversation?: string): Promise<SentMessage> {
      const { text, mode } = textOf(message);
      const parts = splitMessage(text, MESSAGE_LIMIT);
      const recipients = conversation ? [conversation] : options.recipients;
      // Parts go out in order; a quote of or reaction to any of them leads back to this message.
      const timestamps: string[] = [];
      const image = message.kind === 'notice' ? message.image : undefined;
      for (const [index, part] of parts.entries())
        timestamps.push(await postSend(part, mode, recipients, undefined, index === 0 ? image : undefined));
      return { platformRef: timestamps[0]!, partRefs: timestamps };
    },

    async followUp(target, message, conversation) {
      const recipients = conversation ? [conversation] : options.recipients;
      const timestamp = Number(target);
      const { text, mode } = textOf(message);
      return {
        platformRef: await postSend(
          text.slice(0, MESSAGE_LIMIT),
          mode,
          recipients,
          Number.isSafeInteger(timestamp) ? { timestamp } : undefined,
        ),
      };
    },

    async start(onReply) {
      const about = await http.get('/v1/about');
      if (about.status !== 200) throw new Error(`signal-cli-rest-api /v1/about answered ${about.status}`);
      const reported = (about.data as { mode?: unknown }).mode;
      mode = typeof reported === 'string' ? reported : 'normal';
      running = true;
      options.log('info', 'Signal receiving', { mode });
      if (mode.startsWith('json-rpc')) connectSocket(onReply, 0);
      else pollLoop = poll(onReply);
    },

    async stop() {
      running = false;
      clearTimeout(reconnectTimer);
      socket?.close();
      await pollLoop;
    },
  };
}
