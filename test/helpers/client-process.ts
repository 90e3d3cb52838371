import { spawn } from 'node:child_process';
import { once } from 'node:events';

export interface ClientProcess {
  /** Hands a body to the client once, so that sending it later costs this process nothing. */
  load(name: string, body: string): Promise<void>;
  post(url: string, name: string, headers: Record<string, string>): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

interface Answer {
  id: number;
  status?: number;
  body?: string;
  error?: string;
}

// Plain JavaScript, run by `node -e`: nothing here is transformed by the test runner.
const source = `
const bodies = new Map();
process.on('message', async (message) => {
  if (message.kind === 'load') {
    bodies.set(message.name, Buffer.from(message.body));
    process.send({ id: message.id });
    return;
  }
  try {
    const response = await fetch(message.url, { method: 'POST', body: bodies.get(message.name), headers: message.headers });
    process.send({ id: message.id, status: response.status, body: (await response.text()).slice(0, 500) });
  } catch (error) {
    process.send({ id: message.id, error: String(error && error.cause ? error.cause : error) });
  }
});
process.on('disconnect', () => process.exit(0));
`;

/**
 * An HTTP client in a process of its own: a test that measures what requests cost the server in this
 * process (its event loop, its CPU time) measures the server's work, not the client's.
 */
export function startClientProcess(): ClientProcess {
  const child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let next = 0;
  const waiting = new Map<number, (answer: Answer) => void>();
  child.on('message', (answer: Answer) => {
    waiting.get(answer.id)?.(answer);
    waiting.delete(answer.id);
  });
  const ask = (message: Record<string, unknown>) =>
    new Promise<Answer>((resolve, reject) => {
      const id = next++;
      waiting.set(id, resolve);
      child.send({ ...message, id }, (error) => {
        if (error) reject(error);
      });
    });
  return {
    async load(name, body) {
      await ask({ kind: 'load', name, body });
    },
    async post(url, name, headers) {
      const answer = await ask({ kind: 'post', url, name, headers });
      if (answer.error !== undefined) throw new Error(`POST ${url} (${name}) failed: ${answer.error}`);
      return { status: answer.status!, body: answer.body! };
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill();
      await exited;
    },
  };
}
