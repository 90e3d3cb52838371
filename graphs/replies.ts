/**
 * What a human's chat reply means. The grammar only says what was written; which question it answers
 * (the quoted or threaded one, incident `#14`'s, or the only open one) is decided by the caller.
 */
export type AutonomyAnswer = 'auto' | 'ask' | 'investigate';

export type Reply =
  | { kind: 'choose'; option: number; incident?: number }
  | { kind: 'approve'; incident?: number }
  | { kind: 'ignore'; incident?: number }
  | { kind: 'snooze'; durationMs: number; incident?: number }
  | { kind: 'details'; incident?: number }
  | { kind: 'custom'; instruction: string; incident?: number }
  | { kind: 'autonomy'; answer: AutonomyAnswer; incident?: number }
  | { kind: 'pull-request'; action: 'approve' | 'reject' | 'defer' | 'details'; pullRequest: number; deferMs?: number }
  | { kind: 'status' }
  | { kind: 'weekly' }
  | { kind: 'help' }
  | { kind: 'unknown'; text: string };

/** Where a reply came from, for binding it to a question and answering in the same place. */
export interface ReplyContext {
  platform: string;
  conversation: string;
  sender: string;
  /** Other identities of the same sender (a Signal number beside its UUID, a Mattermost username). */
  senderAliases?: readonly string[];
  /** How the sender is shown to people; `sender` when the platform gives no name. */
  senderName?: string;
  /** The platform reference of the message it quotes, threads under or reacts to. */
  inReplyTo?: string;
  reaction: boolean;
}

/** The flow's side of chat: an approver's parsed reply. The incident flow implements it. */
export interface ReplyHandler {
  handle(reply: Reply, context: ReplyContext): Promise<void>;
}
