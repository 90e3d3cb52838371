import { inert } from './inert-text.ts';

/** What `status` reports: read from the database and the running process by bot/chat/status-report.ts. */
export interface StatusFacts {
  counts: { open: number; flapping: number };
  /** Open questions, oldest first. */
  questions: readonly { id: number; incidentId: number | undefined; title: string; createdAt: Date }[];
  running: readonly { tool: string; incidentId: number | undefined; startedAt: Date }[];
  /** Channels with messages waiting or failed today. */
  outbox: readonly { channel: string; pending: number; failed: number }[];
  /** Snoozed incidents and when they wake (the flow's durable timer queue). */
  snoozed?: readonly { member: string; dueAt: Date }[];
  quota?: readonly { alias: string; day: number; week: number; limit: { daily: number; weekly: number } }[];
  autonomyMode?: string;
  /** The configured MCP servers: the tools fixes run with. */
  mcp?: readonly McpServerState[];
}

/** An MCP server as `status` shows it (bot/mcp/mcp-hub.ts keeps the state). */
export interface McpServerState {
  name: string;
  state: 'connecting' | 'up' | 'down';
  tools: number;
  since: Date;
  lastError?: string;
}

/** `status`: what waits for the human and what is stuck. */
export function statusMessage(facts: StatusFacts, now: Date): { title: string; body: string } {
  const { counts, questions, running, outbox } = facts;
  const lines: string[] = [];
  lines.push(`Open incidents: ${counts.open}${counts.flapping > 0 ? ` (${counts.flapping} flapping)` : ''}`);
  lines.push(questions.length === 0 ? 'Waiting for you: nothing' : `Waiting for you (${questions.length}):`);
  for (const question of questions) {
    const target = question.incidentId ? `#${question.incidentId}` : `question ${question.id}`;
    lines.push(`• ${target} ${inert(question.title, 120)} (${age(now.getTime() - question.createdAt.getTime())} ago)`);
  }
  if (facts.snoozed && facts.snoozed.length > 0) {
    lines.push(`Snoozed (${facts.snoozed.length}):`);
    for (const item of facts.snoozed)
      lines.push(
        `• #${item.member} wakes in ${age(item.dueAt.getTime() - now.getTime())} (${item.dueAt.toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
      );
  }
  if (running.length > 0) {
    lines.push(`Running actions (${running.length}):`);
    for (const action of running)
      lines.push(
        `• ${inert(action.tool, 80)}${action.incidentId ? ` for #${action.incidentId}` : ''}, started ${age(now.getTime() - action.startedAt.getTime())} ago`,
      );
  }
  for (const channel of outbox) {
    lines.push(
      `Outbox ${channel.channel}: ${channel.pending} waiting${channel.failed > 0 ? `, ${channel.failed} failed today` : ''}`,
    );
  }
  if (facts.mcp) lines.push(...mcpLines(facts.mcp, now));
  for (const use of facts.quota ?? [])
    lines.push(`LLM ${use.alias}: ${use.day}/${use.limit.daily} today, ${use.week}/${use.limit.weekly} this week`);
  if (facts.autonomyMode) lines.push(`Autonomy mode: ${facts.autonomyMode}`);
  return { title: '📊 Status', body: lines.join('\n') };
}

/** One line per server: its state, its tools, and why it is down (the error as one line: it is outside text). */
function mcpLines(servers: readonly McpServerState[], now: Date): string[] {
  if (servers.length === 0) return ['MCP servers: none configured (no tools to fix with; see mcp in STEWARD_CONFIG)'];
  return [
    `MCP servers (${servers.length}):`,
    ...servers.map((server) => {
      const tools = `${server.tools} tool${server.tools === 1 ? '' : 's'}`;
      if (server.state === 'up') return `• ${server.name}: up, ${tools}`;
      if (server.state === 'connecting')
        return `• ${server.name}: starting (${age(now.getTime() - server.since.getTime())})`;
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
