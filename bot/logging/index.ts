export { createLogger, type Logger, type LoggerOptions } from './create-logger.ts';
export { createSecretRedactor, type SecretRedactor } from './secret-redactor.ts';
