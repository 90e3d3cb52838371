import { z } from 'zod';

/** Which answers a runbook's fix needs: the human's, none with a notice, or none at all. */
export const automationLevels = ['ask_human', 'auto_notify', 'auto_silent'] as const;
export const blastRadii = ['single_pod', 'namespace', 'node', 'cluster'] as const;

const count = z.number().int().min(0);

export const solutionSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, { message: 'must be lower-case letters, digits, - or _' }),
    description: z.string().min(1),
    /** An MCP tool: `server.tool`, or bare when unique. */
    action: z.string().min(1),
    /** Tool arguments; `{{labels.name}}` is filled from the alert's labels. */
    args: z.record(z.string(), z.unknown()).default({}),
    impact: z.string().optional(),
    risk: z.enum(['low', 'medium', 'high']).default('medium'),
    reversible: z.boolean().default(false),
    human_selected: count.default(0),
    successes: count.default(0),
    failures: count.default(0),
    success_rate: z.number().min(0).max(1).default(0),
    last_used: z.string().optional(),
  })
  .strict();

export const runbookSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'must be lower-case letters, digits or -' }),
    created: z
      .union([z.string(), z.date()])
      .transform((value) => (value instanceof Date ? value.toISOString().slice(0, 10) : value)),
    trigger: z
      .object({
        alertname: z.string().min(1),
        /** Anchored regular expressions per label. */
        labels: z.record(z.string(), z.string()).default({}),
        metric: z.string().optional(),
        condition: z.string().optional(),
        duration: z.string().optional(),
      })
      .strict(),
    solutions: z.array(solutionSchema).min(1),
    automation_level: z.enum(automationLevels).default('ask_human'),
    /** The solution the owner promoted (`steward runbooks promote <id> <solution>`): the one that runs alone. Unset: the best success rate. */
    promoted_solution: z.string().optional(),
    promotion_criteria: z
      .object({
        min_approvals: count.default(5),
        min_success_rate: z.number().min(0).max(1).default(0.95),
        blast_radius: z.enum(blastRadii).default('single_pod'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((runbook, context) => {
    if (
      runbook.promoted_solution !== undefined &&
      !runbook.solutions.some((solution) => solution.id === runbook.promoted_solution)
    ) {
      context.addIssue({
        code: 'custom',
        path: ['promoted_solution'],
        message: `must be the id of one of its solutions (${runbook.solutions.map((solution) => solution.id).join(', ')})`,
      });
    }
    for (const [label, pattern] of Object.entries(runbook.trigger.labels)) {
      try {
        new RegExp(`^(?:${pattern})$`);
      } catch {
        context.addIssue({
          code: 'custom',
          path: ['trigger', 'labels', label],
          message: 'is not a valid regular expression',
        });
      }
    }
  });

export type Runbook = z.infer<typeof runbookSchema>;
export type Solution = z.infer<typeof solutionSchema>;
export type AutomationLevel = (typeof automationLevels)[number];
