import type { OutgoingQuestion } from '../../graphs/chat-port.ts';

/** The seed design's "Solutions found" question, as the notifier tests send it. */
export const solutionsQuestion: OutgoingQuestion = {
  kind: 'question',
  questionId: 'q7',
  title: '📋 Solutions found',
  body: 'radarr-0 uses 95% of its memory limit.',
  options: [{ number: 1, label: 'Increase memory 1GB → 2GB', impact: '30s restart', risk: 'low' }],
  replyHint: 'Reply: 1, ignore, or custom: …',
};
