import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkAuthorization, hasCredentials, type Credentials } from '../../../webhooks/authorization.ts';
import type { SourceName } from '../../../webhooks/intake-event.ts';
import { createSignatureCheck } from '../../../webhooks/github/signature.ts';
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
  credentials: Partial<Record<SourceName, Credentials>>;
  metrics: Metrics;
  logger: Logger;
}

/** Headers never kept with a delivery: credentials and signatures. */
const secretHeaders = /^(authorization|proxy-authorization|cookie|x-hub-signature.*|x-.*-token)$/i;

/**
 * One POST route per source, in the fixed order: credential check before the body is even read, or
 * for a signing sender the signature over the raw body before it is parsed (401, nothing stored) →
 * schema (400 naming the field) → dedup → one transaction → 200. A store outage is a 503 so that the
 * sender retries.
 */
export function registerWebhookRoutes(app: FastifyInstance, deps: WebhookRouteDeps): void {
  for (const source of deps.sources) {
    const credentials = deps.credentials[source.name] ?? {};
    const loopbackOnly = !hasCredentials(credentials);
    if (loopbackOnly) {
      deps.logger.warn({ source: source.name, path: source.path }, 'webhook has no credential configured: accepting requests from loopback only');
    }
    const signed = source.authentication === 'signature';
    const verifySignature = signed && credentials.signatureSecret ? createSignatureCheck(credentials.signatureSecret) : undefined;

    // Each route in its own scope: a signed source keeps its body as the raw text the signature covers.
    app.register((scope, _options, registered) => {
      if (signed) scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));

      scope.post(source.path, {
        onRequest: (request, _reply, done) => {
          const refusal = refuse(request, credentials, loopbackOnly, signed);
          if (!refusal) return done();
          request.log.warn({ source: source.name, remote: request.socket.remoteAddress, reason: refusal }, 'webhook refused');
          done(new StewardError('unauthorized', refusal));
        },
        preHandler: async (request) => {
          if (!signed) return;
          const raw = typeof request.body === 'string' ? request.body : '';
          if (verifySignature) {
            const signature = request.headers['x-hub-signature-256'];
            if (!(await verifySignature(raw, typeof signature === 'string' ? signature : undefined))) {
              request.log.warn({ source: source.name, remote: request.socket.remoteAddress, reason: signature ? 'invalid signature' : 'missing signature' }, 'webhook refused');
              throw new StewardError('unauthorized', signature ? 'invalid signature' : 'missing X-Hub-Signature-256');
            }
          }
          try {
            request.body = JSON.parse(raw) as unknown;
          } catch {
            throw new StewardError('bad_request', 'body is not valid JSON');
          }
        },
        onResponse: (_request: FastifyRequest, reply: FastifyReply, done) => {
          deps.metrics.webhookRequests.inc({ source: source.name, status: String(reply.statusCode) });
          done();
        },
        handler: async (request) => {
          const stopTimer = deps.metrics.ingestDuration.startTimer({ source: source.name });
          const unstorable = findUnstorableText(request.body);
          if (unstorable) throw new StewardError('bad_request', `${unstorable} contains a NUL character or invalid Unicode, which cannot be stored`);
          const headers = keptHeaders(request.headers);
          const parsed = source.parse(request.body, headers);
          if (!parsed.ok) throw new StewardError('bad_request', `${parsed.field} ${parsed.message}`);
          const dedupKey = source.dedupKey?.(headers);
          const result = await deps.intake.accept(
            {
              source: source.name,
              remoteAddress: request.socket.remoteAddress ?? '',
              headers,
              body: request.body,
              ...(dedupKey ? { dedupKey } : {}),
              ...(parsed.ignored ? { ignored: parsed.ignored } : {}),
            },
            parsed.events,
          );
          stopTimer();
          // Repeats arrive every repeat_interval for every open group: worth a debug line, not an info one.
          const level = result.changes.length > 0 || (signed && result.outcome !== 'duplicate') ? 'info' : 'debug';
          request.log[level]({ source: source.name, delivery: result.deliveryId, outcome: result.outcome }, 'delivery stored');
          return { status: 'accepted', delivery: result.deliveryId, outcome: result.outcome };
        },
      });
      registered();
    });
  }
}

function refuse(request: FastifyRequest, credentials: Credentials, loopbackOnly: boolean, signed: boolean): string | undefined {
  if (loopbackOnly) {
    return isLoopbackHost(request.socket.remoteAddress ?? '') ? undefined : 'this webhook accepts loopback requests only until a credential is configured';
  }
  // A signed delivery is checked once its raw body is read (preHandler).
  if (signed) return undefined;
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
