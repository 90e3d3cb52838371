import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkAuthorization, hasCredentials, type Credentials } from '../../../webhooks/authorization.ts';
import type { SourceName } from '../../../webhooks/intake-event.ts';
import type { WebhookSource } from '../../../webhooks/registry.ts';
import { findUnstorableText } from '../../../webhooks/storable-text.ts';
import { isLoopbackHost } from '../../config/index.ts';
import { StewardError } from '../../errors.ts';
import type { Intake } from '../../intake/create-intake.ts';
import type { Logger } from '../../logging/index.ts';
import type { Metrics } from '../../metrics/create-metrics.ts';

export interface WebhookRouteDeps {
  intake: Intake;
  sources: readonly WebhookSource[];
  credentials: Record<SourceName, Credentials>;
  metrics: Metrics;
  logger: Logger;
}

/** Headers never kept with a delivery: credentials and signatures. */
const secretHeaders = /^(authorization|proxy-authorization|cookie|x-hub-signature.*|x-.*-token)$/i;

/**
 * One POST route per source, in the fixed order: credential check before the body is even read
 * (401, nothing stored) → schema (400 naming the field) → one transaction → 200. A store outage is
 * a 503 so that the sender retries.
 */
export function registerWebhookRoutes(app: FastifyInstance, deps: WebhookRouteDeps): void {
  for (const source of deps.sources) {
    const credentials = deps.credentials[source.name];
    const loopbackOnly = !hasCredentials(credentials);
    if (loopbackOnly) {
      deps.logger.warn({ source: source.name, path: source.path }, 'webhook has no credential configured: accepting requests from loopback only');
    }

    app.post(source.path, {
      onRequest: (request, _reply, done) => {
        const refusal = refuse(request, credentials, loopbackOnly);
        if (!refusal) return done();
        request.log.warn({ source: source.name, remote: request.socket.remoteAddress, reason: refusal }, 'webhook refused');
        done(new StewardError('unauthorized', refusal));
      },
      onResponse: (request: FastifyRequest, reply: FastifyReply, done) => {
        deps.metrics.webhookRequests.inc({ source: source.name, status: String(reply.statusCode) });
        done();
      },
      handler: async (request) => {
        const stopTimer = deps.metrics.ingestDuration.startTimer({ source: source.name });
        const unstorable = findUnstorableText(request.body);
        if (unstorable) throw new StewardError('bad_request', `${unstorable} contains a NUL character or invalid Unicode, which cannot be stored`);
        const parsed = source.parse(request.body);
        if (!parsed.ok) throw new StewardError('bad_request', `${parsed.field} ${parsed.message}`);
        const result = await deps.intake.accept(
          { source: source.name, remoteAddress: request.socket.remoteAddress ?? '', headers: keptHeaders(request.headers), body: request.body },
          parsed.events,
        );
        stopTimer();
        // Repeats arrive every repeat_interval for every open group: worth a debug line, not an info one.
        const level = result.changes.length > 0 ? 'info' : 'debug';
        request.log[level]({ source: source.name, delivery: result.deliveryId, outcome: result.outcome }, 'delivery stored');
        return { status: 'accepted', delivery: result.deliveryId, outcome: result.outcome };
      },
    });
  }
}

function refuse(request: FastifyRequest, credentials: Credentials, loopbackOnly: boolean): string | undefined {
  if (loopbackOnly) {
    return isLoopbackHost(request.socket.remoteAddress ?? '') ? undefined : 'this webhook accepts loopback requests only until a credential is configured';
  }
  const outcome = checkAuthorization(request.headers.authorization, credentials);
  if (outcome === 'ok') return undefined;
  return outcome === 'missing' ? 'missing credentials' : 'invalid credentials';
}

function keptHeaders(headers: FastifyRequest['headers']): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (secretHeaders.test(name) || value === undefined) continue;
    kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}
