export { parseReply, DEFAULT_SNOOZE_MS, DEFAULT_DEFER_MS } from './parse-reply.ts';
export { helpText } from '../../graphs/help-text.ts';
export type { Reply, AutonomyAnswer } from '../../graphs/replies.ts';
