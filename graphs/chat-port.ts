import type { ToolCall } from './tool-call.ts';

/** Whose words an option's label is: a model's are marked as such, a runbook's name where it came from. */
export type LabelSource = { kind: 'model' } | { kind: 'runbook'; id: string } | { kind: 'owner' };

/**
 * What the flows need from a chat platform. Each folder in notifiers/ implements it; conversation
 * and message references are opaque strings that only the platform that made them decodes.
 */
export interface ChatOption {
  number: number;
  label: string;
  /**
   * What runs when this option is chosen, in order: shown on the option in plain words, stored with
   * the question, digested into the decision, and the only calls the runner accepts for it.
   */
  calls?: ToolCall[];
  /** Where `label` comes from when it is not Steward's own words. */
  labelSource?: LabelSource;
  /** A runbook's track record, shown beside the option ("worked 4 of 4 times"). */
  record?: { successes: number; chosen: number };
  impact?: string;
  risk?: 'low' | 'medium' | 'high';
  reversible?: boolean;
}

export interface OutgoingQuestion {
  kind: 'question';
  /** Our own id of the question: buttons and quote-replies lead back to it. */
  questionId: string;
  title: string;
  body: string;
  options: ChatOption[];
  /** The line that says how to answer ("Reply: 1, 2, 3, ignore, or custom: …"). */
  replyHint: string;
}

/** A picture sent with a notice where the platform takes files (a report's chart); others show the text only. */
export interface ChatImage {
  filename: string;
  contentType: 'image/png';
  base64: string;
  /** What it shows, in words. */
  alt: string;
}

export interface OutgoingNotice {
  kind: 'notice';
  title: string;
  body: string;
  /** Low priority: held for the next digest and sent merged with the others due then, on every platform. */
  digest?: boolean;
  image?: ChatImage;
}

/**
 * What became of a question (answered, withdrawn), said where the question was asked: Mattermost
 * redraws the question without its buttons, Signal quotes it, the shell prints the line.
 */
export interface OutgoingFollowUp {
  kind: 'follow-up';
  questionId: string;
  /** The question as it was sent, for platforms that redraw it. */
  original: OutgoingQuestion;
  title: string;
  body: string;
}

export type OutgoingMessage = OutgoingQuestion | OutgoingNotice | OutgoingFollowUp;

export interface SentMessage {
  /** The platform's own reference (Signal timestamp, Mattermost post id), for edits and quotes. */
  platformRef: string;
  /**
   * Every part's reference when the message went out in several (a long question split in two), the
   * first included: a quote of any part leads back to the message.
   */
  partRefs?: string[];
}

export interface InboundReply {
  platform: string;
  /** Where it was written (a Signal group or number, a Mattermost channel). */
  conversation: string;
  /** The message it quotes or the thread it is in, when the platform says so. */
  inReplyTo?: string;
  /** Who wrote it, as the platform identifies them (number, account id, user id). */
  sender: string;
  /** Other identities of the same sender (a Signal number beside its account UUID). */
  senderAliases?: string[];
  /** How the sender is shown to people (a Signal profile name, a Mattermost username). */
  senderName?: string;
  /** For a reaction, the emoji; `inReplyTo` is then the message reacted to. */
  text: string;
  reaction?: boolean;
  /** The platform's id of this inbound message: the same message delivered twice is acted on once. */
  externalId: string;
}

export interface ChatNotifier {
  readonly platform: string;
  /**
   * For platforms that rate-limit bursts: the outbox spaces sends to one conversation at least
   * `minIntervalMs` apart and, when several notices wait for the same conversation, sends them as one.
   */
  readonly pacing?: { minIntervalMs: number; coalesce: boolean };
  /**
   * Sends to the platform's configured conversation, or to `conversation` (as an inbound reply named
   * it) when given; throws `ChatSendError` on failure.
   */
  send(message: OutgoingMessage, conversation?: string): Promise<SentMessage>;
  /**
   * Follows up a question sent earlier as `target` (the `platformRef` its send returned): edits it
   * where the platform can, otherwise answers it with a quote. Throws `ChatSendError` on failure.
   */
  followUp(target: string, message: OutgoingFollowUp, conversation?: string): Promise<SentMessage>;
  /** Starts receiving replies; each is handed to `onReply`. */
  start(onReply: (reply: InboundReply) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/** A send that failed; `retryAfterMs` when the platform said how long to wait (rate limits). */
export class ChatSendError extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: { retryable: boolean; retryAfterMs?: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'ChatSendError';
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }
}
