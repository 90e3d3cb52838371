import { appendFileSync } from 'node:fs';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createAlertNotifier } from './alert-notifier.ts';
import { createLabServer } from './lab-server.ts';
import { createLab } from './lab-state.ts';

/**
 * The demo lab's process, started by Steward as a stdio MCP server (bot/demo/steward-demo.yaml).
 * Standard output is the MCP channel; what the lab has to say goes to standard error (Steward logs
 * it) and, as JSON lines, to $LAB_EVENTS. It plays Prometheus and Alertmanager for its pods too:
 * alerts go to $STEWARD_URL/webhooks/alertmanager with $ALERTMANAGER_TOKEN.
 */
const steward = process.env.STEWARD_URL ?? 'http://127.0.0.1:8080';
const eventsFile = process.env.LAB_EVENTS;
const tickMs = Number(process.env.LAB_TICK_MS ?? 1000);

function record(event: Record<string, unknown>): void {
  const line = JSON.stringify({ at: new Date().toISOString(), ...event });
  if (eventsFile) appendFileSync(eventsFile, `${line}\n`);
  process.stderr.write(`lab: ${line}\n`);
}

const lab = createLab();
const notifier = createAlertNotifier({
  url: `${steward}/webhooks/alertmanager`,
  ...(process.env.ALERTMANAGER_TOKEN ? { token: process.env.ALERTMANAGER_TOKEN } : {}),
  record,
  delivered: (alert) => lab.forget(alert.fingerprint),
});

function evaluate(): void {
  for (const alert of lab.tick())
    record({
      event: alert.endsAt ? 'alert-resolved' : 'alert-firing',
      pod: alert.labels.pod,
      namespace: alert.labels.namespace,
    });
  void notifier.flush(lab.alerts());
}

const server = createLabServer({ lab, record, changed: evaluate });
await server.connect(new StdioServerTransport());
record({ event: 'started', steward, pods: lab.pods().map((pod) => `${pod.namespace}/${pod.name}`) });
const timer = setInterval(evaluate, tickMs);
evaluate();

// Steward closes our standard input when it stops or restarts us.
process.stdin.on('close', () => {
  clearInterval(timer);
  process.exit(0);
});
