import type { FastifyError, FastifyInstance } from 'fastify';
import { isStoreUnavailable } from '../db/store-errors.ts';
import { isStewardError } from '../errors.ts';

interface ErrorBody {
  error: string;
  message: string;
  requestId: string;
}

/**
 * The one place errors become HTTP answers. Typed errors keep their code and public message;
 * Fastify's own client errors (body too large, bad JSON) keep their status with a fixed message;
 * a store outage is 503 so that senders retry; anything else is a bare 500 with the request id.
 * Stack traces and internal messages only go to the log.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const body = (code: string, message: string): ErrorBody => ({
      error: code,
      message,
      requestId: String(request.id),
    });

    if (isStewardError(error)) {
      if (error.httpStatus >= 500) request.log.error({ err: error }, 'request failed');
      return reply.status(error.httpStatus).send(body(error.code, error.publicMessage));
    }
    if (isStoreUnavailable(error)) {
      request.log.warn({ err: error }, 'store unavailable');
      return reply.status(503).send(body('store_unavailable', 'storage is unavailable, retry later'));
    }
    const status = error.statusCode ?? 500;
    if (status === 413) return reply.status(413).send(body('payload_too_large', 'request body is too large'));
    if (status === 415) return reply.status(415).send(body('unsupported_media_type', 'unsupported content type'));
    if (status >= 400 && status < 500) {
      return reply.status(status).send(body('bad_request', clientMessage(error)));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send(body('internal', 'internal error'));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: 'not_found', message: 'no such route', requestId: String(request.id) });
  });
}

function clientMessage(error: FastifyError): string {
  // Fastify's body-parser and validation messages describe the request, not our internals.
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) return 'body is not valid JSON';
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'body is empty';
  if (error.validation) return error.message;
  return 'bad request';
}
