export { createLogger, type Logger, type LoggerOptions } from './create-logger.ts';
export { chooseLogOutput, fileDestination, prettyLines, type LogOutput } from './log-output.ts';
export { createSecretRedactor, type SecretRedactor } from './secret-redactor.ts';
