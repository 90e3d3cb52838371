import { backoffDelay } from '../../graphs/backoff.ts';
import type { ChatNotifier } from '../../graphs/chat-port.ts';
import type { DecisionListener } from '../../graphs/questions.ts';
import { unavailableCommands } from '../../graphs/reply-messages.ts';
import { notifierRegistry } from '../../notifiers/registry.ts';
import { createAnswerQuestion, type AnswerQuestion } from '../chat/answer-question.ts';
import { createApproverCheck, type ApproverCheck } from '../chat/approvers.ts';
import { createInboundRouter, type InboundRouter } from '../chat/inbound-router.ts';
import { createQuestionDesk, type QuestionDesk } from '../chat/question-desk.ts';
import { createReplyDesk } from '../chat/reply-desk.ts';
import type { Config } from '../config/index.ts';
import type { Coordination } from '../coordination/index.ts';
import type { Pool } from '../db/pool.ts';
import { createAuditLog } from '../db/repositories/audit-log.ts';
import type { Logger } from '../logging/index.ts';
import type { Metrics } from '../metrics/create-metrics.ts';
import { createOutboxRepository, type OutboxRepository } from '../db/repositories/outbox.ts';
import { createOutboxWorker } from '../outbox/outbox-worker.ts';
import { createStuckChannelWatch } from '../outbox/stuck-channel-watch.ts';
import type { Shutdown } from './shutdown.ts';
import type { ChatCommands } from '../chat/chat-commands.ts';
import type { TerminalScreen } from '../../notifiers/shell/terminal-screen.ts';

export interface ChatTerminal {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  interactive: boolean;
  /** Shared with the logs when they print to this terminal too (bot/runtime/run-service.ts). */
  screen?: TerminalScreen;
}

export interface ChatDeps {
  config: Pick<Config, 'signal' | 'mattermost' | 'publicUrl' | 'approvalTtlMs'>;
  pool: Pool;
  coordination: Coordination;
  logger: Logger;
  metrics: Metrics;
  shutdown: Shutdown;
  /** The shell channel's terminal, used when no chat platform is configured. */
  terminal: ChatTerminal;
}

/** What receiving needs, all of it built before the first message can arrive. */
export interface ChatReceiving {
  /** Where decisions go: the decision router (incidents, "Next time?", pull requests). */
  decisions: DecisionListener;
  /** `status`, `weekly` and the pull-request commands. */
  commands?: ChatCommands;
}

export interface Chat {
  channels: string[];
  outbox: OutboxRepository;
  desk: QuestionDesk;
  isApprover: ApproverCheck;
  wake: () => void;
  /**
   * Builds the one answer path and the inbound router on `receiving`, then starts sending and
   * receiving; a platform that is down at start is retried in the background.
   */
  start(receiving: ChatReceiving): { router: InboundRouter; answer: AnswerQuestion };
}

/**
 * Chat, assembled from configuration: Signal and Mattermost when their variables are set, the shell
 * (the terminal) when neither is; the outbox worker that sends for all of them; and, at start, the
 * path every reply takes (inbound router → reply desk → the answer path → the decision router).
 */
export function createChat(deps: ChatDeps): Chat {
  const notifiers = buildNotifiers(deps);
  const channels = notifiers.map((notifier) => notifier.platform);
  const outbox = createOutboxRepository(deps.pool);
  const audit = createAuditLog(deps.pool);
  const worker = createOutboxWorker({
    outbox,
    notifiers,
    logger: deps.logger.child({ component: 'outbox' }),
    metrics: deps.metrics,
  });
  const wake = worker.wake;
  const desk = createQuestionDesk({ pool: deps.pool, channels, wake, ttlMs: deps.config.approvalTtlMs });
  const approvers = {
    signal: deps.config.signal?.approvers ?? [],
    mattermost: deps.config.mattermost?.approvers ?? [],
  };
  const isApprover = createApproverCheck(approvers);
  const watch = createStuckChannelWatch({
    outbox,
    coordination: deps.coordination,
    logger: deps.logger,
    channels,
    wake,
  });

  return {
    channels,
    outbox,
    desk,
    isApprover,
    wake,
    start(receiving) {
      const answer = createAnswerQuestion({ desk, isApprover, decisions: receiving.decisions });
      const handler = createReplyDesk({
        db: deps.pool,
        desk,
        outbox,
        answer,
        ...(receiving.commands ? { commands: receiving.commands } : {}),
        wake,
        unavailable: unavailableCommands,
      });
      const router = createInboundRouter({
        db: deps.pool,
        outbox,
        coordination: deps.coordination,
        audit,
        logger: deps.logger,
        approvers,
        handler,
        request: handler.request,
        wake,
      });
      deps.logger.info(
        { channels },
        channels.includes('shell') ? 'no chat platform configured: using the terminal' : 'chat channels configured',
      );
      worker.start();
      deps.shutdown.add('outbox', () => worker.stop());
      watch.start();
      deps.shutdown.add('stuck channel watch', () => watch.stop());
      for (const notifier of notifiers) {
        const receiving = startReceiving(notifier, router, deps.logger);
        deps.shutdown.add(`${notifier.platform} receiving`, async () => {
          receiving.cancel();
          await notifier.stop();
        });
      }
      return { router, answer };
    },
  };
}

function buildNotifiers(deps: ChatDeps): ChatNotifier[] {
  const { signal, mattermost } = deps.config;
  const notifiers: ChatNotifier[] = [];
  const logTo = (platform: string) => {
    const logger = deps.logger.child({ platform });
    return (level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>) =>
      logger[level](details ?? {}, message);
  };
  if (signal) {
    notifiers.push(
      notifierRegistry.signal({
        apiUrl: signal.apiUrl,
        number: signal.number,
        recipients: signal.recipients,
        log: logTo('signal'),
      }),
    );
  }
  if (mattermost) {
    notifiers.push(
      notifierRegistry.mattermost({
        url: mattermost.url,
        token: mattermost.token,
        channelId: mattermost.channelId,
        actionSecret: mattermost.actionSecret,
        ...(deps.config.publicUrl ? { publicUrl: deps.config.publicUrl } : {}),
        log: logTo('mattermost'),
      }),
    );
  }
  if (notifiers.length === 0) {
    const shellLog = deps.logger.child({ platform: 'shell' });
    notifiers.push(
      notifierRegistry.shell({
        ...deps.terminal,
        log: (text) => shellLog.info({ message: text }, 'chat message (no terminal attached)'),
      }),
    );
  }
  return notifiers;
}

/** A platform that is down at start (Signal's API still booting) is retried until it answers. */
function startReceiving(notifier: ChatNotifier, router: InboundRouter, logger: Logger): { cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  const attempt = (failures: number) => {
    notifier
      .start(async (reply) => {
        await router.handle(reply);
      })
      .catch((error: unknown) => {
        if (cancelled) return;
        const delay = backoffDelay(failures, { baseMs: 1_000, maxMs: 60_000 });
        logger.warn(
          { platform: notifier.platform, err: error, retryInMs: delay },
          'chat platform not reachable; retrying',
        );
        timer = setTimeout(() => attempt(failures + 1), delay);
        timer.unref();
      });
  };
  attempt(0);
  return {
    cancel() {
      cancelled = true;
      clearTimeout(timer);
    },
  };
}
