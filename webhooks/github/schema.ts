import { z } from 'zod';

/**
 * The GitHub webhook bodies Steward reads (../shared/specs/github-renovate.md §2; octokit/webhooks
 * payload schemas). Tolerant of every field we do not use, strict about those we do.
 */
const account = z.looseObject({ login: z.string().min(1), type: z.string().optional() });
const repository = z.looseObject({
  full_name: z.string().regex(/^[^/\s]+\/[^/\s]+$/, { message: 'must be owner/name' }),
});

export const pullRequestEventSchema = z.looseObject({
  action: z.string().min(1),
  number: z.number().int().positive(),
  pull_request: z.looseObject({
    number: z.number().int().positive(),
    node_id: z.string().optional(),
    html_url: z.string().min(1),
    state: z.enum(['open', 'closed']),
    draft: z.boolean().optional(),
    title: z.string(),
    body: z.string().nullable(),
    user: account,
    head: z.looseObject({ ref: z.string().min(1), sha: z.string().min(1) }),
    base: z.looseObject({ ref: z.string().min(1) }),
    merged: z.boolean().nullable().optional(),
    merge_commit_sha: z.string().nullable().optional(),
    merged_by: account.nullable().optional(),
  }),
  repository,
  sender: account,
});

const conclusion = z.string().nullable().optional();

export const checkRunEventSchema = z.looseObject({
  action: z.string().min(1),
  check_run: z.looseObject({ name: z.string().min(1), head_sha: z.string().min(1), status: z.string(), conclusion }),
  repository,
});

export const checkSuiteEventSchema = z.looseObject({
  action: z.string().min(1),
  check_suite: z.looseObject({
    id: z.number().int(),
    head_sha: z.string().min(1),
    status: z.string().nullable(),
    conclusion,
    app: z.looseObject({ slug: z.string().optional(), name: z.string().optional() }).nullable().optional(),
  }),
  repository,
});

export const statusEventSchema = z.looseObject({
  sha: z.string().min(1),
  state: z.enum(['pending', 'success', 'failure', 'error']),
  context: z.string().min(1),
  description: z.string().nullable().optional(),
  repository,
});

export const deploymentStatusEventSchema = z.looseObject({
  action: z.string().min(1),
  deployment_status: z.looseObject({
    id: z.number().int(),
    state: z.string().min(1),
    description: z.string().nullable().optional(),
    environment: z.string().optional(),
    target_url: z.string().nullable().optional(),
    log_url: z.string().nullable().optional(),
  }),
  deployment: z.looseObject({ id: z.number().int(), sha: z.string().min(1), ref: z.string(), environment: z.string() }),
  repository,
});

export type PullRequestPayload = z.infer<typeof pullRequestEventSchema>;
