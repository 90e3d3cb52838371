import { z } from 'zod';
import { shortPackageName, type Assessment } from '../../graphs/pull-request/pull-request-messages.ts';
import type { Queryable } from '../db/pool.ts';
import { createIncidentRepository } from '../db/repositories/incidents.ts';
import { createPullRequestRepository, type PullRequestRow } from '../db/repositories/pull-requests.ts';
import type { LlmGateway } from '../llm/gateway.ts';

const answerSchema = z.object({
  summary: z.string().min(1),
  breaking: z.array(z.string()),
  /** Empty when nothing here relates to it. */
  relevance: z.string(),
  risk: z.enum(['low', 'medium', 'high']),
  recommendation: z.enum(['merge', 'review', 'wait']),
});

const NOTES_FOR_MODEL = 6_000;

/**
 * What a dependency update means here: the facts Steward has (recent incidents of the same service,
 * how long the current version has run) and the model's reading of the release notes. The PR text goes
 * as data; without a model the facts alone are shown.
 */
export async function assessPullRequest(
  deps: { db: Queryable; llm: LlmGateway },
  pr: PullRequestRow,
): Promise<Assessment> {
  const first = pr.updates[0];
  const service = shortPackageName(first?.package ?? pr.title).toLowerCase();
  const facts: Assessment['facts'] = { service, recentIncidents: await recentIncidents(deps.db, service) };
  const since = first?.from ? await currentSince(deps.db, pr.repo, first.package, first.from) : undefined;
  if (since) facts.currentSince = since;

  const answer = await deps.llm.ask({
    purpose: 'code',
    instructions:
      'You review dependency updates for the owner of a homelab before they approve them from their phone. From the release notes, say what changed in one or two sentences, list breaking changes that could affect a typical self-hosted deployment, and say whether the update matters here: when a fix matches the recent incidents listed (for example a memory leak fix and recent out-of-memory restarts), say so in one sentence such as "Memory leak fix matches your recent restarts"; otherwise leave relevance empty. Rate the risk of merging it.',
    data: {
      repository: pr.repo,
      title: pr.title,
      updateType: pr.update_type,
      updates: pr.updates,
      releaseNotes: pr.release_notes.slice(0, NOTES_FOR_MODEL),
      recentIncidentsOfThisService: facts.recentIncidents.map((incident) => ({
        title: incident.title,
        openedAt: incident.openedAt,
      })),
      currentVersionSince: facts.currentSince?.at ?? 'unknown',
    },
    task: 'Assess this update.',
    schema: answerSchema,
  });
  if (!answer.ok)
    return {
      facts,
      degraded: answer.reason === 'invalid_answer' ? 'the model answer could not be used' : 'LLM unavailable',
    };
  return { ...answer.value, model: answer.alias, facts };
}

/** Incidents of the last 30 days whose title or labels name the service. */
async function recentIncidents(db: Queryable, service: string): Promise<Assessment['facts']['recentIncidents']> {
  if (service.length < 3) return [];
  const rows = await createIncidentRepository(db).mentioning(service, 30);
  return rows.map((row) => ({ id: Number(row.id), title: row.title, openedAt: row.opened_at.toISOString() }));
}

/** The merged PR that brought the version now being replaced, when Steward saw it. */
async function currentSince(
  db: Queryable,
  repo: string,
  packageName: string,
  version: string,
): Promise<{ at: string; pullRequest: number } | undefined> {
  const row = await createPullRequestRepository(db).lastMergedBringing(repo, packageName, version);
  return row ? { at: row.merged_at.toISOString(), pullRequest: row.number } : undefined;
}
