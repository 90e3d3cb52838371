import formBody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { renderMessage } from '../../../graphs/render-message.ts';
import { describeAnswer, questionMessage, type Answer, type DecisionListener, type Question } from '../../../graphs/questions.ts';
import { verifyAction } from '../../../notifiers/mattermost/action-signature.ts';
import { decodeActionRequest, decodeSlashCommand, slashToken } from '../../../notifiers/mattermost/decode-callbacks.ts';
import { constantTimeEqual } from '../../../webhooks/authorization.ts';
import { findUnstorableText } from '../../../webhooks/storable-text.ts';
import { answerFor } from '../../chat/answer-for.ts';
import type { ApproverCheck } from '../../chat/approvers.ts';
import type { InboundRouter } from '../../chat/inbound-router.ts';
import type { QuestionDesk } from '../../chat/question-desk.ts';
import { statusReport } from '../../chat/status-report.ts';
import { helpText, parseReply } from '../../commands/index.ts';
import type { Queryable } from '../../db/pool.ts';
import type { AuditLog } from '../../db/repositories/audit-log.ts';
import { StewardError } from '../../errors.ts';
import type { MattermostConfig } from '../../config/types.ts';

export interface MattermostRouteDeps {
  config: Pick<MattermostConfig, 'actionSecret' | 'slashToken'>;
  db: Queryable;
  desk: QuestionDesk;
  router: InboundRouter;
  listener: DecisionListener;
  isApprover: ApproverCheck;
  audit: AuditLog;
  /** `status` as the chat commands answer it (snoozes, quota, mode); the database alone without it. */
  status?: () => Promise<{ title: string; body: string }>;
  now?: () => number;
}

const platform = 'mattermost';

/**
 * Mattermost's calls to Steward. Buttons (`/mattermost/actions`) carry an HMAC-signed context, since
 * Mattermost authenticates nothing; the answer updates the post to show who chose what. The slash
 * command (`/mattermost/command`) carries its token and speaks the reply grammar, answering `status`
 * and `help` only to the one who asked.
 */
export function registerMattermostRoutes(app: FastifyInstance, deps: MattermostRouteDeps): void {
  const now = deps.now ?? Date.now;

  app.register(async (scope) => {
    await scope.register(formBody);

    scope.post('/mattermost/actions', async (request) => {
      // Names and ids end up in the audit log: text PostgreSQL cannot store is refused here, not mid-way.
      const unstorable = findUnstorableText(request.body);
      if (unstorable) throw new StewardError('bad_request', `${unstorable} contains a NUL character or invalid Unicode`);
      const decoded = decodeActionRequest(request.body);
      if (!decoded.ok) throw new StewardError('bad_request', `${decoded.field} ${decoded.message}`);
      const click = decoded.value;
      const who = click.user_name ?? click.user_id;
      const checked = verifyAction(deps.config.actionSecret, click.context, now());
      if (!checked.ok) {
        await deps.audit.record({ actor: who, channel: platform, action: 'button', subject: click.post_id, outcome: `refused: ${checked.reason}` });
        request.log.warn({ user: click.user_id, reason: checked.reason }, 'Mattermost button refused');
        return { ephemeral_text: checked.reason === 'expired' ? 'This button has expired; reply in the thread instead.' : 'This button is not one Steward made; nothing was done.' };
      }
      if (!deps.isApprover(platform, [click.user_id, ...(click.user_name ? [click.user_name] : [])])) {
        await deps.audit.record({ actor: who, channel: platform, action: 'button', subject: `question:${checked.question}`, outcome: 'refused: not an approver' });
        return { ephemeral_text: 'Only the approvers the owner listed can answer.' };
      }
      const question = await deps.desk.get(Number(checked.question));
      if (!question) return { ephemeral_text: 'That question no longer exists.' };
      const answer = answerFor(checked.option === 'ignore' ? { kind: 'ignore' } : { kind: 'choose', option: Number(checked.option) }, question);
      if (!answer.ok) return { ephemeral_text: answer.problem };

      const result = await deps.desk.decide(question.id, answer.answer, click.user_id, platform, who);
      if (result.outcome === 'decided') {
        await deps.listener.onDecision({ questionId: question.id, incidentId: question.incidentId, questionKind: question.kind, answer: answer.answer, actor: click.user_id, channel: platform });
        return { update: redraw(question, who, platform, answer.answer), ephemeral_text: `You chose ${describeAnswer(answer.answer)}.` };
      }
      if (result.outcome === 'already answered') {
        return { update: redraw(question, result.actorName, result.channel, result.answer), ephemeral_text: `Already answered by ${result.actorName} via ${result.channel}; your click was not used.` };
      }
      return { update: { message: `${renderMessage(questionMessage(question), 'markdown')}\n\n---\nThis question was ${result.status}.`, props: {} }, ephemeral_text: `This question was ${result.status}.` };
    });

    scope.post('/mattermost/command', async (request) => {
      const configured = deps.config.slashToken;
      const form = (request.body ?? {}) as { token?: string };
      const token = slashToken(request.headers.authorization, form);
      if (!configured || !token || !constantTimeEqual(token, configured)) {
        request.log.warn({ remote: request.socket.remoteAddress, configured: Boolean(configured) }, 'Mattermost slash command refused');
        throw new StewardError('unauthorized', configured ? 'slash command token missing or wrong' : 'MATTERMOST_SLASH_TOKEN is not set');
      }
      const unstorable = findUnstorableText(request.body);
      if (unstorable) throw new StewardError('bad_request', `${unstorable} contains a NUL character or invalid Unicode`);
      const decoded = decodeSlashCommand(request.body);
      if (!decoded.ok) throw new StewardError('bad_request', `${decoded.field} ${decoded.message}`);
      const command = decoded.value;
      const ephemeral = (text: string) => ({ response_type: 'ephemeral', text });
      if (!deps.isApprover(platform, [command.user_id, ...(command.user_name ? [command.user_name] : [])])) {
        await deps.audit.record({ actor: command.user_name ?? command.user_id, channel: platform, action: 'slash command', subject: command.channel_id, outcome: 'refused: not an approver' });
        return ephemeral('Only the approvers the owner listed can use Steward.');
      }
      const reply = parseReply(command.text);
      if (reply.kind === 'status') {
        const report = deps.status ? await deps.status() : await statusReport(deps.db);
        return ephemeral(`**${report.title}**\n${report.body}`);
      }
      if (reply.kind === 'help' || reply.kind === 'unknown') return ephemeral(helpText().replace(/^Reply with:/, 'Use /steward with:'));
      // Everything else acts as the same words written in the channel would; answers appear there.
      await deps.router.handle({
        platform,
        conversation: command.channel_id,
        sender: command.user_id,
        ...(command.user_name ? { senderAliases: [command.user_name], senderName: command.user_name } : {}),
        text: command.text,
        externalId: `slash:${command.trigger_id ?? `${command.user_id}:${now()}`}`,
      });
      return ephemeral(`OK: ${command.text}`);
    });
  });
}

function redraw(question: Question, actor: string, channel: string, answer: Answer) {
  return { message: `${renderMessage(questionMessage(question), 'markdown')}\n\n---\n✔ **${actor}** chose ${describeAnswer(answer)} via ${channel}`, props: {} };
}

