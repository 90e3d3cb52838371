import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/index.ts';
import type { SecretRedactor } from './secret-redactor.ts';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: LogLevel;
  redactor: SecretRedactor;
  /** Defaults to standard output; tests pass a capturing stream. */
  destination?: DestinationStream;
}

/** JSON logs. Known secret values are masked in every line; header paths are masked by name. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'steward' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-hub-signature-256"]',
          'headers.authorization',
          '*.password',
          '*.token',
        ],
        censor: '[REDACTED]',
      },
      hooks: { streamWrite: (line) => options.redactor.redact(line) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
