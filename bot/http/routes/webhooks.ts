import { createHash, randomBytes } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkAuthorization, hasCredentials, type Credentials } from '../../../webhooks/authorization.ts';
import type { SourceName } from '../../../webhooks/intake-event.ts';
import { createSignatureCheck } from '../../../webhooks/github/signature.ts';
import type { WebhookSource } from '../../../webhooks/registry.ts';
import { findUnstorableText } from '../../db/storable-text.ts';
import { isLoopbackHost } from '../../config/index.ts';
import { StewardError } from '../../errors.ts';
import type { Intake } from '../../intake/create-intake.ts';
import type { Logger } from '../../logging/index.ts';
import type { Metrics } from '../../metrics/create-metrics.ts';
import type { RefusalReason, RefusedRequests } from '../refused-requests.ts';

export interface WebhookRouteDeps {
  intake: Intake;
  sources: readonly WebhookSource[];
  credentials: Partial<Record<SourceName, Credentials>>;
  /** Per-name credentials of a source that serves several configured webhooks (`/webhooks/generic/:name`). */
  namedCredentials?: Partial<Record<SourceName, Readonly<Record<string, Credentials>>>>;
  metrics: Metrics;
  logger: Logger;
  refusals: RefusedRequests;
}

/** Compared against when a named webhook does not exist; matches nothing anyone can send. */
const unknownNameCredentials: Credentials = { bearer: randomBytes(32).toString('base64url') };

/** Headers never kept with a delivery: credentials and signatures. */
const secretHeaders = /^(authorization|proxy-authorization|cookie|x-hub-signature.*|x-.*-token)$/i;

/**
 * One POST route per source, in the fixed order: credential check before the body is even read, or
 * for a signing sender the signature over the raw body before it is parsed (401, nothing stored,
 * counted and logged at a limited rate) → schema (400 naming the field) → dedup → one transaction →
 * 200. A store outage is a 503 so that the sender retries. The body's nesting and width are bounded
 * while it is read, for every route (bounded-bodies.ts).
 */
export function registerWebhookRoutes(app: FastifyInstance, deps: WebhookRouteDeps): void {
  /** The SHA-256 of each verified signed body, from the signature check to the hand-off. */
  const signedDigests = new WeakMap<FastifyRequest, string>();
  for (const source of deps.sources) {
    const named = source.path.endsWith('/:name');
    const credentials = deps.credentials[source.name] ?? {};
    // A named webhook exists only with its own token: no loopback-only fallback.
    const loopbackOnly = !named && !hasCredentials(credentials);
    if (loopbackOnly) {
      deps.logger.warn(
        { source: source.name, path: source.path },
        'webhook has no credential configured: accepting requests from loopback only',
      );
    }
    const signed = source.authentication === 'signature';
    const verifySignature =
      signed && credentials.signatureSecret ? createSignatureCheck(credentials.signatureSecret) : undefined;

    // Each route in its own scope: a signed source keeps its body as the raw text the signature covers.
    app.register((scope, _options, registered) => {
      if (signed)
        scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
          done(null, body),
        );

      scope.post(source.path, {
        onRequest: (request, _reply, done) => {
          const refusal = named
            ? refuseNamed(request, deps.namedCredentials?.[source.name] ?? {})
            : refuse(request, credentials, loopbackOnly, signed);
          if (!refusal) return done();
          deps.refusals.refuse(request, refusal.reason, { source: source.name });
          done(new StewardError('unauthorized', refusal.message));
        },
        preHandler: async (request) => {
          if (!signed) return;
          const raw = typeof request.body === 'string' ? request.body : '';
          if (verifySignature) {
            const signature = request.headers['x-hub-signature-256'];
            if (!(await verifySignature(raw, typeof signature === 'string' ? signature : undefined))) {
              deps.refusals.refuse(request, signature ? 'invalid_signature' : 'missing_signature', {
                source: source.name,
              });
              throw new StewardError('unauthorized', signature ? 'invalid signature' : 'missing X-Hub-Signature-256');
            }
            // The signature covers these exact bytes: the same bytes again are a replay, whatever the headers say.
            signedDigests.set(request, createHash('sha256').update(raw).digest('hex'));
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
          // A large body is checked, parsed and stored in separate turns of the event loop, so that other
          // requests are served between the steps (a storm of 1,000 alerts takes tens of ms per step).
          const yieldBetweenSteps = isLarge(request) ? nextTurn : () => Promise.resolve();
          await yieldBetweenSteps();
          const unstorable = findUnstorableText(request.body);
          if (unstorable)
            throw new StewardError(
              'bad_request',
              `${unstorable} contains a NUL character or invalid Unicode, which cannot be stored`,
            );
          await yieldBetweenSteps();
          const headers = keptHeaders(request.headers);
          const parsed = source.parse(request.body, headers, request.params as Record<string, string>);
          if (!parsed.ok) throw new StewardError('bad_request', `${parsed.field} ${parsed.message}`);
          await yieldBetweenSteps();
          const dedupKey = source.dedupKey?.(headers);
          const bodyDigest = signedDigests.get(request);
          const result = await deps.intake.accept(
            {
              source: source.name,
              remoteAddress: request.socket.remoteAddress ?? '',
              headers,
              body: request.body,
              ...(dedupKey ? { dedupKey } : {}),
              ...(bodyDigest ? { bodyDigest } : {}),
              ...(parsed.ignored ? { ignored: parsed.ignored } : {}),
            },
            parsed.events,
          );
          stopTimer();
          // Repeats arrive every repeat_interval for every open group: worth a debug line, not an info one.
          const level = result.changes.length > 0 || (signed && result.outcome !== 'duplicate') ? 'info' : 'debug';
          request.log[level](
            { source: source.name, delivery: result.deliveryId, outcome: result.outcome },
            'delivery stored',
          );
          return { status: 'accepted', delivery: result.deliveryId, outcome: result.outcome };
        },
      });
      registered();
    });
  }
}

function refuse(
  request: FastifyRequest,
  credentials: Credentials,
  loopbackOnly: boolean,
  signed: boolean,
): { reason: RefusalReason; message: string } | undefined {
  if (loopbackOnly) {
    return isLoopbackHost(request.socket.remoteAddress ?? '')
      ? undefined
      : {
          reason: 'loopback_only',
          message: 'this webhook accepts loopback requests only until a credential is configured',
        };
  }
  // A signed delivery is checked once its raw body is read (preHandler).
  if (signed) return undefined;
  const outcome = checkAuthorization(request.headers.authorization, credentials);
  if (outcome === 'ok') return undefined;
  return outcome === 'missing'
    ? { reason: 'missing_credentials', message: 'missing credentials' }
    : { reason: 'invalid_credentials', message: 'invalid credentials' };
}

/**
 * A named webhook's own token. An unknown name is refused like a wrong token, so that the answer does
 * not tell a stranger which names exist.
 */
function refuseNamed(
  request: FastifyRequest,
  byName: Readonly<Record<string, Credentials>>,
): { reason: RefusalReason; message: string } | undefined {
  const name = (request.params as { name?: string }).name ?? '';
  const credentials = Object.hasOwn(byName, name) ? byName[name] : undefined;
  if (!request.headers.authorization) return { reason: 'missing_credentials', message: 'missing credentials' };
  const known = credentials !== undefined && hasCredentials(credentials);
  // An unknown name still costs one comparison, so that timing does not tell it apart either.
  const outcome = checkAuthorization(request.headers.authorization, known ? credentials : unknownNameCredentials);
  return known && outcome === 'ok' ? undefined : { reason: 'invalid_credentials', message: 'invalid credentials' };
}

/** Over 64 kB, or of unknown length (chunked). */
function isLarge(request: FastifyRequest): boolean {
  const length = Number(request.headers['content-length']);
  return !Number.isFinite(length) || length > 65_536;
}

function keptHeaders(headers: FastifyRequest['headers']): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (secretHeaders.test(name) || value === undefined) continue;
    kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}
