import { MemorySaver } from '@langchain/langgraph';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildIncidentGraph } from '../../graphs/incident/build-incident-graph.ts';
import { createInMemoryIncidentPorts } from '../helpers/in-memory-incident-ports.ts';
import { automaticFixCases } from './incident-graph/automatic-fixes.ts';
import { executionAndVerificationCases } from './incident-graph/execution-and-verification.ts';
import { failedFixCases } from './incident-graph/failed-fixes.ts';
import { starter } from './incident-graph/fixtures.ts';
import { optionsQuestionCases } from './incident-graph/options-question.ts';
import { planQuestionCases } from './incident-graph/plan-question.ts';
import { problemQuestionCases } from './incident-graph/problem-question.ts';

/**
 * The incident graph on its own: in-memory ports and a `MemorySaver`, no database, no Redis, no
 * runtime. Each case drives one thread the real way (invoke, read the interrupt, resume by its id on
 * the same thread_id) and checks what the ports were asked to do. The last case fails when an edge of
 * the graph was taken by no case, so a new route cannot land untested.
 */
const routes = new Set<string>();
const start = starter(routes);

/**
 * Each case is a few graph steps in memory: about 100 ms of CPU, 200 ms for the longest. Its budget is
 * counted in CPU time, not wall time: other suites share the two cores, and under their load a case
 * can wait longer than it runs.
 */
const CPU_BUDGET_MS = 500;

describe('incident graph routes', { timeout: 5_000 }, () => {
  let cpuAtStart: NodeJS.CpuUsage;
  beforeEach(() => {
    cpuAtStart = process.cpuUsage();
  });
  afterEach(() => {
    const used = process.cpuUsage(cpuAtStart);
    expect((used.user + used.system) / 1000, 'CPU ms for this case').toBeLessThan(CPU_BUDGET_MS);
  });

  problemQuestionCases(start);
  optionsQuestionCases(start);
  planQuestionCases(start);
  executionAndVerificationCases(start);
  automaticFixCases(start);
  failedFixCases(start);
});

describe('incident graph route coverage', () => {
  it('takes every edge of the graph in some case above', async () => {
    const graph = await buildIncidentGraph(createInMemoryIncidentPorts().ports, new MemorySaver()).getGraphAsync();
    const edges = graph.edges.map((edge) => `${edge.source}->${edge.target}`);
    // A guard that lists nothing guards nothing: the graph has its nodes and their branches.
    expect(Object.keys(graph.nodes)).toEqual(expect.arrayContaining(['assess', 'await_choice', 'execute', 'report']));
    expect(edges.filter((edge) => !routes.has(edge))).toEqual([]);
    const reached = new Set([...routes].map((route) => route.split('->')[1]));
    expect(Object.keys(graph.nodes).filter((node) => node !== '__start__' && !reached.has(node))).toEqual([]);
    // And every step a case took is an edge the graph declares.
    expect([...routes].filter((route) => !edges.includes(route))).toEqual([]);
  });
});
