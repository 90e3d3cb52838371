import type { FlowOption } from '../../../graphs/incident/ports.ts';
import {
  createInMemoryIncidentPorts,
  type InMemoryIncidentPorts,
  type InMemorySetup,
} from '../../helpers/in-memory-incident-ports.ts';
import { driveIncidentGraph, type IncidentGraphDriver } from '../../helpers/incident-graph-driver.ts';

/** Options a model might propose for a database that is down: two fixes, then the safe generic choices. */
export const restart: FlowOption = {
  label: 'Restart the postgres deployment',
  labelSource: { kind: 'model' },
  risk: 'low',
  reversible: true,
  action: { tool: 'kubectl_rollout_restart', arguments: { name: 'postgres', namespace: 'prod' } },
};
export const scale: FlowOption = {
  label: 'Scale postgres to 2 replicas',
  labelSource: { kind: 'model' },
  risk: 'medium',
  action: { tool: 'kubectl_scale', arguments: { name: 'postgres', namespace: 'prod', replicas: 2 } },
};
export const investigate: FlowOption = { label: 'Investigate further', generic: 'investigate' };
export const snoozeOption: FlowOption = { label: 'Snooze 1h', generic: 'snooze' };
export const ignoreOption: FlowOption = { label: 'Ignore', generic: 'ignore' };

export const diagnosis = 'The postgres pod is not ready: its volume is full.';
export const proposal = { diagnosis, options: [restart, scale, investigate, snoozeOption, ignoreOption] };

/** A `custom:` plan of two steps, as the model turns "restart it and then scale it" into calls. */
export const twoStepPlan: FlowOption = {
  label: 'Restart, then scale to 2',
  labelSource: { kind: 'model' },
  ownerWords: 'restart it and then scale it',
  steps: [
    {
      tool: 'kubectl_rollout_restart',
      arguments: { name: 'postgres', namespace: 'prod' },
      why: 'clears the stuck pod',
    },
    {
      tool: 'kubectl_scale',
      arguments: { name: 'postgres', namespace: 'prod', replicas: 2 },
      why: 'keeps one replica serving',
    },
  ],
};
export const planned = (instruction: string) => ({
  ok: true as const,
  summary: twoStepPlan.label,
  option: { ...twoStepPlan, ownerWords: instruction },
});

/** A runbook fix that has earned the right to run on its own. */
export const runbookFix: FlowOption = {
  label: 'Restart postgres (runbook)',
  labelSource: { kind: 'runbook', id: 'postgres-down' },
  risk: 'low',
  reversible: true,
  action: { tool: 'kubectl_rollout_restart', arguments: { name: 'postgres', namespace: 'prod' } },
  runbook: { id: 'postgres-down', solutionId: 'restart', successes: 5, chosen: 5 },
};

export const HOUR = 3_600_000;

/** One incident in memory and a driver for its thread; every edge it takes is added to the suite's routes. */
export type Start = (setup?: InMemorySetup) => { world: InMemoryIncidentPorts; flow: IncidentGraphDriver };

export function starter(routes: Set<string>): Start {
  return (setup = {}) => {
    const world = createInMemoryIncidentPorts({ proposals: [proposal], ...setup });
    return { world, flow: driveIncidentGraph(world, routes) };
  };
}
