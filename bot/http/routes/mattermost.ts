import formBody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import type { OutgoingFollowUp } from '../../../graphs/chat-port.ts';
import { renderMessage } from '../../../graphs/render-message.ts';
import { questionMessage, type Question } from '../../../graphs/questions.ts';
import { verifyAction } from '../../../notifiers/mattermost/action-signature.ts';
import { decodeActionRequest, decodeSlashCommand, slashToken } from '../../../notifiers/mattermost/decode-callbacks.ts';
import { constantTimeEqual } from '../../../webhooks/authorization.ts';
import { findUnstorableText } from '../../db/storable-text.ts';
import type { AnswerQuestion } from '../../chat/answer-question.ts';
import type { ApproverCheck } from '../../chat/approvers.ts';
import type { InboundRouter } from '../../chat/inbound-router.ts';
import type { QuestionDesk } from '../../chat/question-desk.ts';
import { answered, clickNotUsed, slashCommandReply, youChose } from '../../../graphs/reply-messages.ts';
import { statusReport } from '../../chat/status-report.ts';
import { helpText, parseReply } from '../../commands/index.ts';
import type { Queryable } from '../../db/pool.ts';
import type { AuditLog } from '../../db/repositories/audit-log.ts';
import { StewardError } from '../../errors.ts';
import type { RefusedRequests } from '../refused-requests.ts';
import type { MattermostConfig } from '../../config/types.ts';

export interface MattermostRouteDeps {
  config: Pick<MattermostConfig, 'actionSecret' | 'slashToken'>;
  db: Queryable;
  desk: QuestionDesk;
  router: InboundRouter;
  /** The one answer path: a button's answer goes where a written one does. */
  answer: AnswerQuestion;
  isApprover: ApproverCheck;
  audit: AuditLog;
  /** Refused requests: counted and logged at a limited rate, never stored (bot/http/refused-requests.ts). */
  refusals: RefusedRequests;
  /** `status` as the chat commands answer it (snoozes, quota, mode); the database alone without it. */
  status?: () => Promise<{ title: string; body: string }>;
  now?: () => number;
}

const platform = 'mattermost';

/**
 * Mattermost's calls to Steward. Buttons (`/mattermost/actions`) carry an HMAC-signed context, since
 * Mattermost authenticates nothing: a click whose signature fails is refused before anything of it
 * is stored. A verified click takes the one answer path, and updates the post to show who chose what. The slash
 * command (`/mattermost/command`) carries its token and speaks the reply grammar, answering `status`
 * and `help` only to the one who asked.
 */
export function registerMattermostRoutes(app: FastifyInstance, deps: MattermostRouteDeps): void {
  const now = deps.now ?? Date.now;

  app.register(async (scope) => {
    await scope.register(formBody);

    scope.post('/mattermost/actions', async (request) => {
      const decoded = decodeActionRequest(request.body);
      if (!decoded.ok) throw new StewardError('bad_request', `${decoded.field} ${decoded.message}`);
      const click = decoded.value;
      const checked = verifyAction(deps.config.actionSecret, click.context, now());
      if (!checked.ok) {
        // Not one of our buttons (or too old): nothing of it is stored, and its text is not ours to keep.
        deps.refusals.refuse(request, checked.reason === 'expired' ? 'expired_signature' : 'invalid_signature');
        return {
          ephemeral_text: checked.reason === 'expired' ? clickNotUsed.expired : clickNotUsed.notOurs,
        };
      }
      // Names and ids end up in the audit log: text PostgreSQL cannot store is refused here, not mid-way.
      const unstorable = findUnstorableText(request.body);
      if (unstorable)
        throw new StewardError('bad_request', `${unstorable} contains a NUL character or invalid Unicode`);
      const who = click.user_name ?? click.user_id;
      const outcome = await deps.answer({
        platform,
        sender: click.user_id,
        ...(click.user_name ? { senderAliases: [click.user_name] } : {}),
        senderName: who,
        target: { questionId: Number(checked.question) },
        reply: checked.option === 'ignore' ? { kind: 'ignore' } : { kind: 'choose', option: Number(checked.option) },
      });
      switch (outcome.outcome) {
        case 'not an approver':
          await deps.audit.record({
            actor: who,
            channel: platform,
            action: 'button',
            subject: `question:${checked.question}`,
            outcome: 'refused: not an approver',
          });
          return { ephemeral_text: clickNotUsed.notAnApprover };
        case 'decided':
          return {
            update: redraw(outcome.question, answered(outcome.question, outcome.answer, who, platform)),
            ephemeral_text: youChose(outcome.question, outcome.answer),
          };
        case 'already answered':
          return {
            update: redraw(
              outcome.question,
              answered(outcome.question, outcome.answer, outcome.actorName, outcome.channel),
            ),
            ephemeral_text: clickNotUsed.alreadyAnswered(outcome),
          };
        case 'closed':
          if (!outcome.question) return { ephemeral_text: clickNotUsed.gone };
          return {
            update: redraw(outcome.question, { title: clickNotUsed.closed(outcome.status), body: '' }),
            ephemeral_text: clickNotUsed.closed(outcome.status),
          };
        case 'not taken':
          return { ephemeral_text: outcome.problem };
        default:
          return { ephemeral_text: clickNotUsed.nothingDone };
      }
    });

    scope.post('/mattermost/command', async (request) => {
      const configured = deps.config.slashToken;
      const form = (request.body ?? {}) as { token?: string };
      const token = slashToken(request.headers.authorization, form);
      if (!configured || !token || !constantTimeEqual(token, configured)) {
        deps.refusals.refuse(request, token ? 'invalid_credentials' : 'missing_credentials', {
          configured: Boolean(configured),
        });
        throw new StewardError(
          'unauthorized',
          configured ? 'slash command token missing or wrong' : 'MATTERMOST_SLASH_TOKEN is not set',
        );
      }
      const unstorable = findUnstorableText(request.body);
      if (unstorable)
        throw new StewardError('bad_request', `${unstorable} contains a NUL character or invalid Unicode`);
      const decoded = decodeSlashCommand(request.body);
      if (!decoded.ok) throw new StewardError('bad_request', `${decoded.field} ${decoded.message}`);
      const command = decoded.value;
      const ephemeral = (text: string) => ({ response_type: 'ephemeral', text });
      if (!deps.isApprover(platform, [command.user_id, ...(command.user_name ? [command.user_name] : [])])) {
        await deps.audit.record({
          actor: command.user_name ?? command.user_id,
          channel: platform,
          action: 'slash command',
          subject: command.channel_id,
          outcome: 'refused: not an approver',
        });
        return ephemeral(slashCommandReply.notAnApprover);
      }
      const reply = parseReply(command.text);
      if (reply.kind === 'status') {
        const report = deps.status ? await deps.status() : await statusReport(deps.db);
        // Shown as the same `status` written in the channel is (the notifier renders it the same way).
        return ephemeral(renderMessage({ kind: 'notice', ...report }, 'markdown'));
      }
      if (reply.kind === 'help' || reply.kind === 'unknown') return ephemeral(helpText('Use /steward with:'));
      // Everything else acts as the same words written in the channel would; answers appear there.
      await deps.router.handle({
        platform,
        conversation: command.channel_id,
        sender: command.user_id,
        ...(command.user_name ? { senderAliases: [command.user_name], senderName: command.user_name } : {}),
        text: command.text,
        externalId: `slash:${command.trigger_id ?? `${command.user_id}:${now()}`}`,
      });
      return ephemeral(slashCommandReply.taken(command.text));
    });
  });
}

/** The question as it was asked, without its buttons, and under it what became of it (as its follow-up says everywhere). */
function redraw(question: Question, { title, body }: { title: string; body: string }) {
  const followUp: OutgoingFollowUp = {
    kind: 'follow-up',
    questionId: String(question.id),
    original: questionMessage(question),
    title,
    body,
  };
  return {
    message: `${renderMessage(questionMessage(question), 'markdown')}\n\n---\n${renderMessage(followUp, 'markdown')}`,
    props: {},
  };
}
