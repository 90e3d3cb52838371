import { parseDelay } from './durations.ts';
import type { AutonomyAnswer, Reply } from '../../graphs/replies.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const DEFAULT_SNOOZE_MS = HOUR;
export const DEFAULT_DEFER_MS = DAY;

const approveWords = new Set(['approve', 'approved', 'yes', 'y', 'ok', 'okay', 'go', 'do it', '👍']);
const ignoreWords = new Set(['no', 'n', 'ignore', 'no expected', 'expected', 'not a problem']);
const autonomyWords: Record<string, AutonomyAnswer> = { auto: 'auto', ask: 'ask', investigate: 'investigate' };

/**
 * Parses one chat reply. Pure and total: every string gives a Reply, never an exception, and text
 * that is not clearly one command is `unknown` (the caller answers with help, never a guess).
 */
export function parseReply(raw: string): Reply {
  const original = raw.normalize('NFKC').trim();
  const custom = /^[^\p{L}\p{N}]*custom\s*[:\-–]\s*(.*)$/isu.exec(original);
  if (custom) return parseCustom(custom[1]!);

  let text = normalize(original);
  const target = /^(.*\S)\s+#(\d{1,9})$/.exec(text);
  let incident: number | undefined;
  // `#14` names an incident, except alone (`#1` is option 1), after `option` (`option #2`) and after
  // `PR` (`approve PR #47`).
  if (target && !/^#?\d$/.test(text) && !/\b(?:pr|pull request|option|opt|number|no)$/.test(target[1]!)) {
    text = target[1]!.trim();
    incident = Number(target[2]);
  }
  const reply = parseCommand(text);
  if (incident === undefined || reply.kind === 'unknown')
    return reply.kind === 'unknown' ? { kind: 'unknown', text: original } : reply;
  if (reply.kind === 'status' || reply.kind === 'weekly' || reply.kind === 'help' || reply.kind === 'pull-request') {
    return { kind: 'unknown', text: original };
  }
  return { ...reply, incident };
}

function parseCommand(text: string): Reply {
  if (text === '') return { kind: 'unknown', text };

  const option = /^(?:option|opt|no\.?|number|#)?\s*#?([1-9])$/.exec(text);
  if (option) return { kind: 'choose', option: Number(option[1]) };

  if (approveWords.has(text)) return { kind: 'approve' };
  if (ignoreWords.has(text)) return { kind: 'ignore' };
  if (text === 'details' || text === 'detail' || text === 'more' || text === 'info') return { kind: 'details' };
  if (text === 'status') return { kind: 'status' };
  if (text === 'weekly' || text === 'weekly report' || text === 'report') return { kind: 'weekly' };
  if (text === 'help' || text === '?') return { kind: 'help' };
  const autonomy = autonomyWords[text];
  if (autonomy) return { kind: 'autonomy', answer: autonomy };

  const snooze = /^snooze(?:\s+(?:for\s+)?(.+))?$/.exec(text);
  if (snooze) {
    if (snooze[1] === undefined) return { kind: 'snooze', durationMs: DEFAULT_SNOOZE_MS };
    const ms = parseDelay(snooze[1].replace(/\s+/g, ' '));
    return ms === undefined ? { kind: 'unknown', text } : { kind: 'snooze', durationMs: ms };
  }

  const pr =
    /^(approve|merge|reject|close|defer|details|detail|info)\s+(?:pr|pull request)\s*#?(\d{1,7})(?:\s+(?:for\s+)?(.+))?$/.exec(
      text,
    );
  if (pr) {
    const action =
      pr[1] === 'merge'
        ? 'approve'
        : pr[1] === 'close'
          ? 'reject'
          : pr[1] === 'detail' || pr[1] === 'info'
            ? 'details'
            : (pr[1] as 'approve' | 'reject' | 'defer' | 'details');
    const pullRequest = Number(pr[2]);
    if (pr[3] === undefined)
      return action === 'defer'
        ? { kind: 'pull-request', action, pullRequest, deferMs: DEFAULT_DEFER_MS }
        : { kind: 'pull-request', action, pullRequest };
    const ms = action === 'defer' ? parseDelay(pr[3]) : undefined;
    return ms === undefined ? { kind: 'unknown', text } : { kind: 'pull-request', action, pullRequest, deferMs: ms };
  }

  return { kind: 'unknown', text };
}

function parseCustom(instruction: string): Reply {
  const trimmed = instruction.trim();
  // An instruction is free text for the LLM to turn into a plan; it still needs something in it.
  if (!/[\p{L}\p{N}]/u.test(trimmed)) return { kind: 'unknown', text: `custom: ${trimmed}` };
  return { kind: 'custom', instruction: trimmed.slice(0, 2_000) };
}

/**
 * Lower case, emoji and punctuation around the words removed (keycap digits like 1️⃣ become 1,
 * `👍` is kept as a word), inner punctuation folded to spaces except `#`, `.` in numbers and `?` alone.
 */
function normalize(text: string): string {
  let out = text.toLowerCase().replace(/\u20e3|\ufe0f/g, '');
  if (/^\s*👍(?:\s*👍)*\s*$/u.test(out)) return '👍';
  if (out.trim() === '?') return '?';
  out = out.replace(/[^\p{L}\p{N}#\s]/gu, ' ');
  return out.replace(/\s+/g, ' ').trim();
}
