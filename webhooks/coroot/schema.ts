import { z } from 'zod';

/**
 * Coroot sends whatever its templates render; with `{{ json . }}` these are its template values
 * (../shared/specs/coroot.md). Custom fields are merged into the root, so objects stay loose.
 */
const status = z.enum(['OK', 'WARNING', 'CRITICAL']);

export const incidentSchema = z.looseObject({
  status,
  application: z.string().min(1),
  reports: z.array(z.looseObject({ name: z.string(), check: z.string(), message: z.string() })).min(1),
  url: z.string().min(1),
  rca_summary: z.string().optional(),
  rca_remediations: z.string().optional(),
});

export const deploymentSchema = z.looseObject({
  status: z.enum(['Deployed', 'In-progress', 'Stuck', 'Cancelled']),
  application: z.string().min(1),
  version: z.string(),
  summary: z.array(z.string()).default([]),
  url: z.string().min(1),
});

export const alertSchema = z.looseObject({
  status,
  application: z.string().min(1),
  rule_name: z.string().min(1),
  severity: z.string().optional(),
  summary: z.string().default(''),
  details: z.array(z.looseObject({ name: z.string(), value: z.string() })).optional(),
  url: z.string().min(1),
  project_name: z.string().optional(),
});

export type CorootIncident = z.infer<typeof incidentSchema>;
export type CorootDeployment = z.infer<typeof deploymentSchema>;
export type CorootAlert = z.infer<typeof alertSchema>;
