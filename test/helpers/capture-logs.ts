import { Writable } from 'node:stream';

export interface CapturedLogs {
  stream: Writable;
  text(): string;
  entries(): Record<string, unknown>[];
}

/** A pino destination that keeps every line, for assertions on what was logged. */
export function captureLogs(): CapturedLogs {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const text = () => chunks.join('');
  return {
    stream,
    text,
    entries: () =>
      text()
        .split('\n')
        .filter((line) => line.trim().length > 0)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
