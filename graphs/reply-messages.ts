import { inert } from './inert-text.ts';
import { describeAnswer, type Answer, type Question } from './questions.ts';

/**
 * What Steward says about an answer: the acknowledgement every channel gets ("✔ #12: 1. Yes"), and
 * what a written reply is told when its answer was not used. Names and titles come from outside
 * (a chat's display name, an alert's title) and are made inert.
 */

/** How a question is named in acknowledgements: its incident (`#12`), else its title. */
export function questionSubject(question: Pick<Question, 'incidentId' | 'title'>): string {
  return question.incidentId !== undefined ? `#${question.incidentId}` : `“${inert(question.title, 80)}”`;
}

/** "✔ #12: 1. Yes — Answered by Ana via signal", on the question wherever it was asked. */
export function answered(
  question: Pick<Question, 'incidentId' | 'title'>,
  answer: Answer,
  actorName: string,
  channel: string,
): { title: string; body: string } {
  return {
    title: `✔ ${questionSubject(question)}: ${describeAnswer(answer)}`,
    body: `Answered by ${inert(actorName, 80)} via ${channel}`,
  };
}

/** Mattermost's private line to the one who clicked. */
export function youChose(question: Pick<Question, 'incidentId' | 'title'>, answer: Answer): string {
  return `You chose ${describeAnswer(answer)} for ${questionSubject(question)}.`;
}

export function nothingToAnswer(incidentId: number | undefined): { title: string; body: string } {
  return {
    title: 'Nothing to answer',
    body:
      incidentId !== undefined
        ? `#${incidentId} has nothing open; nothing was done.`
        : 'There is no open question. Reply "status" to see what is going on.',
  };
}

/** A reply that could mean more than one open question: nothing is done, and the way to say which is shown. */
export function whichIncident(
  open: readonly { incidentId: number | undefined; title: string }[],
  example: string | undefined,
): { title: string; body: string } {
  const listed = open.map((question) =>
    question.incidentId !== undefined
      ? `#${question.incidentId} ${inert(question.title, 80)}`
      : `“${inert(question.title, 80)}” (quote it)`,
  );
  return {
    title: 'Which incident?',
    body: `${open.length} questions are open: ${listed.join('; ')}.\n${example ? `Reply "${example}" or quote its question.` : 'Quote the question you mean.'} Nothing was done.`,
  };
}

/**
 * A reply that names nothing, while the only open question is an agent's: it may have been meant for
 * something else, so it answers nothing; the agent's question is answered by quoting it.
 */
export function quoteAgentQuestion(question: Pick<Question, 'title'>): { title: string; body: string } {
  return {
    title: 'Quote the agent’s question to answer it',
    body: `The only open question is an agent’s: “${inert(question.title, 80)}”. Quote it (reply to it, or in its thread) or use its buttons to answer it; a reply that names no question does not answer an agent, so that one meant for something else cannot approve it. Nothing was done.`,
  };
}

/** Why a reply cannot answer its question (bot/chat/answer-for.ts); `range` is its options, "1–3" or "none". */
export const answerProblem = {
  noSuchOption: (number: number, range: string) => `There is no option ${number} (options: ${range}).`,
  reactionWithoutDefault: '👍 only approves a question with one default action; reply with the number of an option.',
  approveWhich: (range: string) => `Approve which one? Reply with the number of an option (${range}).`,
  notNextTime: (answer: string, range: string) =>
    `"${answer}" is an answer to "Next time?" questions; this one asks for ${range}.`,
};

export function answerNotTaken(
  question: Pick<Question, 'incidentId' | 'title'>,
  problem: string,
): { title: string; body: string } {
  return { title: `${questionSubject(question)}: not taken`, body: problem };
}

export function alreadyAnswered(
  question: Pick<Question, 'incidentId' | 'title'>,
  first: { actorName: string; answer: Answer; channel: string },
): { title: string; body: string } {
  return {
    title: `${questionSubject(question)} was already answered`,
    body: `${inert(first.actorName, 80)} chose ${describeAnswer(first.answer)} via ${first.channel}; your answer was not used.`,
  };
}

export function noLongerNeedsAnswer(
  question: Pick<Question, 'incidentId' | 'title'> | undefined,
  status: string,
): { title: string; body: string } {
  return {
    title: `${question ? questionSubject(question) : 'That question'} no longer needs an answer`,
    body: `The question was ${status}; your answer was not used.`,
  };
}

/** Followed up on a question nobody answered in time. */
export function questionExpired(question: Pick<Question, 'incidentId' | 'title'>): { title: string; body: string } {
  return { title: `⌛ ${questionSubject(question)} expired`, body: 'Nobody answered in time; nothing was run.' };
}

/** Mattermost's private lines to someone whose click was not used. */
export const clickNotUsed = {
  notAnApprover: 'Only the approvers the owner listed can answer.',
  alreadyAnswered: (first: { actorName: string; channel: string }) =>
    `Already answered by ${inert(first.actorName, 80)} via ${first.channel}; your click was not used.`,
  closed: (status: string) => `This question was ${status}.`,
  gone: 'That question no longer exists.',
  expired: 'This button has expired; reply in the thread instead.',
  notOurs: 'This button is not one Steward made; nothing was done.',
  nothingDone: 'Nothing was done.',
};

/** Someone not listed as an approver wrote to Steward (said at most once a month to each). */
export function notAnApprover(): { title: string; body: string } {
  return {
    title: '⛔ Not an approver',
    body: 'Steward only takes answers from the people its owner listed as approvers.',
  };
}

/** `details` with nothing to give details of: `incidentId` is the one asked for, if any. */
export function noDetails(incidentId: number | undefined): { title: string; body: string } {
  return {
    title: 'No details',
    body:
      incidentId !== undefined
        ? `There is no incident #${incidentId}.`
        : 'There is no open question to give details of.',
  };
}

/** Why a runtime without them does not offer `PR …` commands or `weekly` (bot/runtime/start-chat.ts). */
export const unavailableCommands = {
  'pull-request':
    'Renovate pull requests are not followed: set GITHUB_WEBHOOK_SECRET and point a GitHub webhook at /webhooks/github.',
  weekly: 'The weekly report is not available in this version of Steward yet.',
};

/** A command this runtime does not offer; `reason` is what the runtime says instead, if anything. */
export function notAvailable(reason: string | undefined): { title: string; body: string } {
  return { title: 'Not available', body: reason ?? 'This command is not available in this version of Steward.' };
}

/** Mattermost's private lines to whoever typed `/steward`. */
export const slashCommandReply = {
  notAnApprover: 'Only the approvers the owner listed can use Steward.',
  /** The words went the way the same words written in the channel go; the answer appears there. */
  taken: (text: string) => `OK: ${text}`,
};
