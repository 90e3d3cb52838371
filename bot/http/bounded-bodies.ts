import { Transform } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { StewardError } from '../errors.ts';
import {
  createFormShapeScanner,
  createJsonShapeScanner,
  describeViolation,
  type BodyShapeLimits,
  type ShapeScanner,
  type ShapeViolation,
} from './body-shape.ts';

/** The limits every route's body is read under (see body-shape.ts for why these numbers). */
export const bodyShapeLimits: Readonly<BodyShapeLimits> = Object.freeze({ depth: 64, elements: 50_000, keys: 1_000 });

/**
 * Every request body passes through one stream that measures its shape while it is read, before any
 * parser sees it, whichever route and whichever parser (a route's own, like GitHub's raw-text one, or a
 * plugin's, like the Mattermost form parser). A body over a limit is answered 400 there and then: it is
 * never parsed, walked or stored. Installed on the root instance, so routes registered anywhere inherit it.
 */
export function installBodyShapeLimits(
  app: FastifyInstance,
  limits: BodyShapeLimits,
  onRefused: (request: FastifyRequest, violation: ShapeViolation) => void,
): void {
  app.addHook('preParsing', (request, _reply, payload, done) => {
    const scanner = scannerFor(request.headers['content-type'], limits);
    if (!scanner) {
      done(null, payload);
      return;
    }
    let received = 0;
    const measured: Transform & { receivedEncodedLength?: number } = new Transform({
      transform(chunk: Buffer, _encoding, next) {
        received += chunk.length;
        // What Fastify checks the body limit and Content-Length against.
        measured.receivedEncodedLength = payload.receivedEncodedLength ?? received;
        const violation = scanner.push(chunk);
        if (!violation) {
          next(null, chunk);
          return;
        }
        onRefused(request, violation);
        next(new StewardError('bad_request', describeViolation(violation, limits)));
      },
    });
    // The parser reading the body gets the error through its own listener; when none reads it (a type no
    // parser takes, a body already over the byte limit) it must not become an uncaught exception.
    measured.on('error', () => undefined);
    payload.pipe(measured);
    done(null, measured);
  });
}

function scannerFor(contentType: string | undefined, limits: BodyShapeLimits): ShapeScanner | undefined {
  const mediaType = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType === 'application/x-www-form-urlencoded') return createFormShapeScanner(limits);
  // application/json and any +json type; a type no parser takes is answered 415 anyway.
  if (mediaType.includes('json')) return createJsonShapeScanner(limits);
  return undefined;
}
