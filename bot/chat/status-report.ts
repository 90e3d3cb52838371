import { inert } from '../../graphs/inert-text.ts';
import type { Queryable } from '../db/pool.ts';
import { createActionRepository } from '../db/repositories/actions.ts';
import { createIncidentRepository } from '../db/repositories/incidents.ts';
import { createOutboxRepository } from '../db/repositories/outbox.ts';
import { createQuestionRepository } from '../db/repositories/questions.ts';
import type { McpServerStatus } from '../mcp/mcp-hub.ts';

/** What `status` shows beyond the database: timers, quotas and the mode. */
export interface StatusExtras {
  /** Snoozed incidents and when they wake (the flow's durable timer queue). */
  snoozed?: readonly { member: string; dueAt: Date }[];
  quota?: readonly { alias: string; day: number; week: number; limit: { daily: number; weekly: number } }[];
  autonomyMode?: string;
  /** The configured MCP servers: the tools fixes run with. */
  mcp?: readonly McpServerStatus[];
}

/**
 * `status`: what waits for the human and what is stuck. Read-only and cheap, so it can be asked any
 * time from any channel.
 */
export async function statusReport(db: Queryable, extras: StatusExtras = {}, now = new Date()): Promise<{ title: string; body: string }> {
  const questions = await createQuestionRepository(db).oldestOpen(20);
  const counts = await createIncidentRepository(db).liveCounts();
  const running = await createActionRepository(db).running();
  const outbox = await createOutboxRepository(db).troubles();

  const lines: string[] = [];
  lines.push(`Open incidents: ${counts.open}${counts.flapping > 0 ? ` (${counts.flapping} flapping)` : ''}`);
  lines.push(questions.length === 0 ? 'Waiting for you: nothing' : `Waiting for you (${questions.length}):`);
  for (const question of questions) {
    const target = question.incidentId ? `#${question.incidentId}` : `question ${question.id}`;
    lines.push(`• ${target} ${inert(question.title, 120)} (${age(now.getTime() - question.createdAt.getTime())} ago)`);
  }
  if (extras.snoozed && extras.snoozed.length > 0) {
    lines.push(`Snoozed (${extras.snoozed.length}):`);
    for (const item of extras.snoozed) lines.push(`• #${item.member} wakes in ${age(item.dueAt.getTime() - now.getTime())} (${item.dueAt.toISOString().slice(0, 16).replace('T', ' ')} UTC)`);
  }
  if (running.length > 0) {
    lines.push(`Running actions (${running.length}):`);
    for (const action of running) lines.push(`• ${action.tool}${action.incidentId ? ` for #${action.incidentId}` : ''}, started ${age(now.getTime() - action.startedAt.getTime())} ago`);
  }
  for (const channel of outbox) {
    lines.push(`Outbox ${channel.channel}: ${channel.pending} waiting${channel.failed > 0 ? `, ${channel.failed} failed today` : ''}`);
  }
  if (extras.mcp) lines.push(...mcpLines(extras.mcp, now));
  for (const use of extras.quota ?? []) lines.push(`LLM ${use.alias}: ${use.day}/${use.limit.daily} today, ${use.week}/${use.limit.weekly} this week`);
  if (extras.autonomyMode) lines.push(`Autonomy mode: ${extras.autonomyMode}`);
  return { title: '📊 Status', body: lines.join('\n') };
}

/** One line per server: its state, its tools, and why it is down (the error as one line: it is outside text). */
function mcpLines(servers: readonly McpServerStatus[], now: Date): string[] {
  if (servers.length === 0) return ['MCP servers: none configured (no tools to fix with; see mcp in STEWARD_CONFIG)'];
  return [
    `MCP servers (${servers.length}):`,
    ...servers.map((server) => {
      const tools = `${server.tools} tool${server.tools === 1 ? '' : 's'}`;
      if (server.state === 'up') return `• ${server.name}: up, ${tools}`;
      if (server.state === 'connecting') return `• ${server.name}: starting (${age(now.getTime() - server.since.getTime())})`;
      return `• ${server.name}: down for ${age(now.getTime() - server.since.getTime())}, retrying${server.lastError ? ` (${inert(server.lastError, 120)})` : ''}`;
    }),
  ];
}

function age(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours}h${minutes % 60 ? ` ${minutes % 60}m` : ''}` : `${Math.floor(hours / 24)}d`;
}
