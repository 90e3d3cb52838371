import type { IncidentFlowPorts } from '../../graphs/incident/ports.ts';
import { autonomyPorts } from './ports/autonomy.ts';
import { createPortContext, type FlowPortsOptions } from './ports/context.ts';
import { dismissPorts } from './ports/dismiss.ts';
import { executePorts } from './ports/execute.ts';
import { researchPorts } from './ports/research.ts';
import { snapshotPorts } from './ports/snapshot.ts';

export type { FlowPortsOptions } from './ports/context.ts';

/**
 * The incident flow's ports on the real database, chat, LLM gateway and MCP client, grouped by what
 * the graph needs (bot/flow/ports/): what it sees, what it asks models, how it asks people, how it
 * runs an answer, what autonomy Steward has earned, and how an incident ends without a fix.
 */
export function createFlowPorts(options: FlowPortsOptions): IncidentFlowPorts {
  const context = createPortContext(options);
  return {
    ...snapshotPorts(context),
    ...researchPorts(context),
    ask: (question) => options.desk.ask(question),
    notify: context.notify,
    ...executePorts(context),
    ...autonomyPorts(context),
    ...dismissPorts(context),
  };
}
