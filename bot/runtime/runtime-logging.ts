import { pino, type DestinationStream } from 'pino';
import type { TerminalScreen } from '../../notifiers/shell/terminal-screen.ts';
import { secretValues, type Config, type Env } from '../config/index.ts';
import {
  chooseLogOutput,
  createLogger,
  createSecretRedactor,
  fileDestination,
  prettyLines,
  type LogOutput,
  type Logger,
  type SecretRedactor,
} from '../logging/index.ts';

export interface RuntimeLogging {
  logger: Logger;
  redactor: SecretRedactor;
  /** Where the lines go (`file`: LOG_FILE), so that the start can say so. */
  output: LogOutput;
}

/**
 * The logger comes first and from the caller, so that a failed start can still be logged. Every
 * secret value in `env` is masked in every line. `destination` (tests) takes JSON lines as they are.
 * Otherwise chooseLogOutput decides: LOG_FILE, or the terminal the shell channel talks through (its
 * `screen`, given when stdin and stdout are a terminal), or standard output; LOG_FORMAT overrides.
 */
export function createRuntimeLogging(
  config: Config,
  env: Env,
  destination?: DestinationStream,
  screen?: TerminalScreen,
): RuntimeLogging {
  // The Mattermost button secret may be derived rather than set: mask the derived value too.
  const redactor = createSecretRedactor(secretValues(env, config.mattermost ? [config.mattermost.actionSecret] : []));
  if (destination)
    return {
      redactor,
      output: { format: 'json', to: 'stdout' },
      logger: createLogger({ level: config.logLevel, redactor, destination }),
    };
  const shellChannel = !config.signal && !config.mattermost;
  const output = chooseLogOutput({
    format: config.logFormat,
    file: config.logFile,
    terminal: shellChannel && screen !== undefined,
  });
  return {
    redactor,
    output,
    logger: createLogger({ level: config.logLevel, redactor, destination: destinationFor(output, config, screen) }),
  };
}

function destinationFor(output: LogOutput, config: Config, screen: TerminalScreen | undefined): DestinationStream {
  if (output.to === 'terminal' && screen) {
    const print = (text: string) => screen.print(text);
    return output.format === 'pretty' ? prettyLines({ write: print }, { colorize: screen.tty }) : { write: print };
  }
  const target = output.to === 'file' ? fileDestination(config.logFile!) : pino.destination({ dest: 1, sync: false });
  return output.format === 'pretty' ? prettyLines(target, { colorize: false }) : target;
}
