import { randomBytes } from 'node:crypto';
import { Annotation, Command, END, interrupt, START, StateGraph } from '@langchain/langgraph';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import { checkpointSchema } from '../../bot/db/migrate.ts';
import type { Pool } from '../../bot/db/pool.ts';

/**
 * Incidents as the flow leaves them, for the retention test and bench: the rows Steward keeps (the
 * incident, an alert, the question, its decision, the action, two audit entries) and LangGraph
 * checkpoints written by a real `PostgresSaver` for a stand-in graph shaped like the incident graph
 * (snapshot → triage → research → ask with `interrupt()` → act → verify), whose state carries text of
 * the sizes the real one does (alert labels and annotations, evidence, a diagnosis, options).
 */
const State = Annotation.Root({
  incidentId: Annotation<number>,
  snapshot: Annotation<string>,
  triage: Annotation<string>,
  evidence: Annotation<string[]>({ reducer: (a, b) => [...a, ...b], default: () => [] }),
  options: Annotation<string>,
  answer: Annotation<string>,
  result: Annotation<string>,
  outcome: Annotation<string>,
});

const text = (bytes: number) =>
  randomBytes(Math.ceil(bytes / 2))
    .toString('hex')
    .slice(0, bytes);

function standInGraph() {
  return new StateGraph(State)
    .addNode('take_snapshot', (state) => ({
      snapshot: JSON.stringify({
        id: state.incidentId,
        labels: { alertname: 'PodMemoryNearLimit', namespace: 'media', pod: 'radarr-0' },
        annotations: { summary: text(200), description: text(600) },
      }),
    }))
    .addNode('run_triage', () => ({
      triage: JSON.stringify({ problem: true, severity: 'warning', reason: text(300), confidence: 0.8 }),
    }))
    .addNode('find_options', () => ({
      evidence: [text(1_500), text(1_500)],
      options: JSON.stringify([
        {
          label: 'Restart radarr-0',
          tool: 'restart_pod',
          arguments: { name: 'radarr-0', namespace: 'media' },
          impact: text(80),
        },
      ]),
    }))
    .addNode('ask', () => ({ answer: String(interrupt({ kind: 'solution', options: 1 })) }))
    .addNode('act', () => ({ result: text(300) }))
    .addNode('verify', () => ({ evidence: [text(500)], outcome: 'resolved' }))
    .addEdge(START, 'take_snapshot')
    .addEdge('take_snapshot', 'run_triage')
    .addEdge('run_triage', 'find_options')
    .addEdge('find_options', 'ask')
    .addEdge('ask', 'act')
    .addEdge('act', 'verify')
    .addEdge('verify', END);
}

/** Runs the stand-in graph to its end for each incident, checkpointed in PostgreSQL (thread_id = incident id). */
export async function writeCheckpoints(pool: Pool, incidentIds: readonly number[]): Promise<void> {
  const graph = standInGraph().compile({
    checkpointer: new PostgresSaver(pool, undefined, { schema: checkpointSchema }),
  });
  for (const id of incidentIds) {
    const config = { configurable: { thread_id: String(id) }, durability: 'sync' as const };
    await graph.invoke({ incidentId: id }, config);
    await graph.invoke(new Command({ resume: '1' }), config);
  }
}

/** One incident with what the flow keeps of it; closed at `closedAt` (open when undefined). Returns its id. */
export async function insertIncident(pool: Pool, closedAt: Date | undefined): Promise<number> {
  const incident = await pool.query<{ id: string }>(
    `INSERT INTO incidents (source, external_key, title, labels, status, closed_at, close_reason)
     VALUES ('alertmanager', $1, 'PodMemoryNearLimit radarr-0', '{"alertname":"PodMemoryNearLimit","namespace":"media"}', $2, $3, $4) RETURNING id`,
    [
      `group-${randomBytes(6).toString('hex')}`,
      closedAt ? 'closed' : 'open',
      closedAt ?? null,
      closedAt ? 'resolved' : null,
    ],
  );
  const id = Number(incident.rows[0]!.id);
  await pool.query(
    "INSERT INTO alerts (incident_id, fingerprint, alertname, status, labels) VALUES ($1, 'f1', 'PodMemoryNearLimit', 'resolved', '{\"pod\":\"radarr-0\"}')",
    [id],
  );
  const question = await pool.query<{ id: string }>(
    "INSERT INTO questions (incident_id, kind, prompt, options, status, title) VALUES ($1, 'solution', 'What should I do?', '[{\"number\":1,\"label\":\"Restart radarr-0\"}]', 'answered', 'radarr-0 leaks memory') RETURNING id",
    [id],
  );
  const questionId = Number(question.rows[0]!.id);
  await pool.query(
    'INSERT INTO decisions (question_id, answer, actor, channel) VALUES ($1, \'{"kind":"option","option":1}\', \'+4915100000001\', \'signal\')',
    [questionId],
  );
  await pool.query(
    'INSERT INTO actions (incident_id, question_id, tool, arguments, trigger, status) VALUES ($1, $2, \'restart_pod\', \'{"name":"radarr-0","namespace":"media"}\', \'approved\', \'succeeded\')',
    [id, questionId],
  );
  await pool.query(
    "INSERT INTO audit_log (actor, channel, action, subject, outcome) VALUES ('+4915100000001', 'signal', 'question.answer', $1, '1. Restart radarr-0'), ('steward', 'flow', 'action.run', $1, 'succeeded')",
    [`incident:${id}`],
  );
  return id;
}

/** Bytes of every row Steward keeps for an incident, and of its checkpoints (pg_column_size of whole rows). */
export async function bytesOfIncident(pool: Pool, id: number): Promise<{ kept: number; checkpoints: number }> {
  const schema = checkpointSchema;
  const result = await pool.query<{ kept: string; checkpoints: string }>(
    `SELECT
       (SELECT coalesce(sum(pg_column_size(i.*)), 0) FROM incidents i WHERE i.id = $1)
     + (SELECT coalesce(sum(pg_column_size(a.*)), 0) FROM alerts a WHERE a.incident_id = $1)
     + (SELECT coalesce(sum(pg_column_size(q.*)), 0) FROM questions q WHERE q.incident_id = $1)
     + (SELECT coalesce(sum(pg_column_size(d.*)), 0) FROM decisions d JOIN questions q ON q.id = d.question_id WHERE q.incident_id = $1)
     + (SELECT coalesce(sum(pg_column_size(x.*)), 0) FROM actions x WHERE x.incident_id = $1)
     + (SELECT coalesce(sum(pg_column_size(l.*)), 0) FROM audit_log l WHERE l.subject = 'incident:' || $1) AS kept,
       (SELECT coalesce(sum(pg_column_size(c.*)), 0) FROM "${schema}".checkpoints c WHERE c.thread_id = $1::text)
     + (SELECT coalesce(sum(pg_column_size(b.*)), 0) FROM "${schema}".checkpoint_blobs b WHERE b.thread_id = $1::text)
     + (SELECT coalesce(sum(pg_column_size(w.*)), 0) FROM "${schema}".checkpoint_writes w WHERE w.thread_id = $1::text) AS checkpoints`,
    [id],
  );
  return { kept: Number(result.rows[0]!.kept), checkpoints: Number(result.rows[0]!.checkpoints) };
}
