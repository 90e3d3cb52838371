import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { Lab, Pod } from './lab-state.ts';

export interface LabServerOptions {
  lab: Lab;
  /** Told of every tool call (the lab's event log). */
  record: (event: Record<string, unknown>) => void;
  /** Called after a restart, so that the alert's end is noticed at once. */
  changed: () => void;
}

function age(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${Math.max(0, Math.floor(ms / 1000))}s`;
  return minutes < 2880 ? `${Math.floor(minutes / 60)}h` : `${Math.floor(minutes / 1440)}d`;
}

function memory(pod: Pod): string {
  return `${Math.round(pod.memoryMiB)}Mi/${pod.limitMiB}Mi (${Math.round((pod.memoryMiB / pod.limitMiB) * 100)}%)`;
}

function text(value: string, isError = false) {
  return { content: [{ type: 'text' as const, text: value }], ...(isError ? { isError: true } : {}) };
}

/** Logs as the pod would print them: a leaking pod complains about garbage collection. */
function logsOf(pod: Pod, lines: number, now: number): string[] {
  const share = pod.memoryMiB / pod.limitMiB;
  const stamp = (back: number) => new Date(now - back * 7_000).toISOString();
  const out: string[] = [];
  for (let i = lines - 1; i >= 0; i -= 1) {
    if (pod.leakMiBPerSecond > 0 && share > 0.85 && i % 2 === 0) {
      out.push(
        `${stamp(i)} [Warn] GC: heap ${Math.round(pod.memoryMiB - i)} MiB of ${pod.limitMiB} MiB limit; full collection took ${600 + ((i * 37) % 400)} ms`,
      );
    } else {
      out.push(
        `${stamp(i)} [Info] ${['RssSyncService: RSS sync completed', 'ImportListSyncService: import lists synced', 'HousekeepingService: cleaned up', 'DownloadMonitoringService: queue checked'][i % 4]}`,
      );
    }
  }
  return out;
}

/**
 * The demo lab as an MCP server (SDK 1.x): read-only tools that look at the simulated pods
 * (`readOnlyHint`), and `restart_pod`, the one fix, which really frees the pod's memory so that its
 * alert resolves.
 */
export function createLabServer(options: LabServerOptions): McpServer {
  const { lab, record } = options;
  const server = new McpServer({ name: 'steward-demo-lab', version: '1.0.0' });
  const target = {
    name: z.string().describe('the pod, e.g. radarr-0'),
    namespace: z.string().describe('its namespace, e.g. media'),
  };

  server.registerTool(
    'list_pods',
    {
      title: 'List pods',
      description:
        'List the pods of the lab (or of one namespace) with status, restarts, memory use against the limit, and age',
      inputSchema: { namespace: z.string().optional() },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ namespace }) => {
      record({ event: 'tool', tool: 'list_pods', arguments: { namespace } });
      const now = Date.now();
      const rows = lab
        .pods(namespace)
        .map((pod) => [
          pod.namespace,
          pod.name,
          'Running',
          String(pod.restarts),
          memory(pod),
          age(now - pod.startedAt),
        ]);
      const table = [['NAMESPACE', 'NAME', 'STATUS', 'RESTARTS', 'MEMORY', 'AGE'], ...rows].map((row) =>
        row
          .map((cell, i) => cell.padEnd([10, 18, 8, 9, 20, 4][i]!))
          .join(' ')
          .trimEnd(),
      );
      return text(table.join('\n'));
    },
  );

  server.registerTool(
    'get_pod_memory',
    {
      title: 'Pod memory',
      description: "A pod's working set against its memory limit, and how fast it grows",
      inputSchema: target,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ name, namespace }) => {
      record({ event: 'tool', tool: 'get_pod_memory', arguments: { name, namespace } });
      const pod = lab.pod(namespace, name);
      if (!pod) return text(`pod "${name}" not found in namespace "${namespace}"`, true);
      const trend =
        pod.leakMiBPerSecond > 0 ? `growing about ${Math.round(pod.leakMiBPerSecond * 60)} MiB a minute` : 'steady';
      return text(`${namespace}/${name}: ${memory(pod)}, ${trend}; restarts ${pod.restarts}`);
    },
  );

  server.registerTool(
    'get_pod_logs',
    {
      title: 'Pod logs',
      description: "The last lines of a pod's log",
      inputSchema: { ...target, lines: z.number().int().min(1).max(50).default(10) },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ name, namespace, lines }) => {
      record({ event: 'tool', tool: 'get_pod_logs', arguments: { name, namespace, lines } });
      const pod = lab.pod(namespace, name);
      if (!pod) return text(`pod "${name}" not found in namespace "${namespace}"`, true);
      return text(logsOf(pod, lines, Date.now()).join('\n'));
    },
  );

  server.registerTool(
    'restart_pod',
    {
      title: 'Restart pod',
      description: "Restart a pod's container; its memory starts again from the baseline",
      inputSchema: target,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    ({ name, namespace }) => {
      record({ event: 'tool', tool: 'restart_pod', arguments: { name, namespace } });
      const before = lab.pod(namespace, name);
      if (!before) return text(`pod "${name}" not found in namespace "${namespace}"`, true);
      const was = memory(before);
      const pod = lab.restart(namespace, name)!;
      options.changed();
      return text(
        `pod "${name}" restarted in namespace "${namespace}" (restart ${pod.restarts}); memory ${was} → ${memory(pod)}`,
      );
    },
  );

  return server;
}
