import { activityMessage, chartTitle } from '../../graphs/report-message.ts';
import type { Report } from '../chat/chat-commands.ts';
import type { Queryable } from '../db/pool.ts';
import { createActionRepository } from '../db/repositories/actions.ts';
import { createAlertRepository } from '../db/repositories/alerts.ts';
import { createAuditLog } from '../db/repositories/audit-log.ts';
import { createDecisionRepository } from '../db/repositories/decisions.ts';
import { createIncidentRepository } from '../db/repositories/incidents.ts';
import { createLlmUsageLog } from '../db/repositories/llm-usage.ts';
import { createPullRequestRepository } from '../db/repositories/pull-requests.ts';
import { createQuestionRepository } from '../db/repositories/questions.ts';
import { createSuppressionRepository } from '../db/repositories/suppressions.ts';
import { incidentChartPng } from './incident-chart.ts';

export interface ReportInputs {
  db: Queryable;
  /** The window reported on: [from, to). */
  from: Date;
  to: Date;
  runbooks: { total: number; createdBetween(from: Date, to: Date): number };
  quota?: readonly { alias: string; week: number; limit: { weekly: number } }[];
  /** Snoozed incidents still to wake (the flow's timer queue). */
  snoozed?: readonly { member: string; dueAt: Date }[];
  autonomyMode: string;
}

/**
 * What Steward did and learned in a window, computed from the database: the weekly report (and, in
 * verbose mode, the shorter daily summary). Every figure is a query over actions, decisions,
 * incidents, suppressions, the audit log and LLM usage, never a counter kept on the side.
 */
export async function activityReport(inputs: ReportInputs, kind: 'weekly' | 'daily'): Promise<Report> {
  const { db, from, to } = inputs;
  const actions = await createActionRepository(db).between(from, to);
  const decisions = await createDecisionRepository(db).between(from, to);
  const found = await createIncidentRepository(db).between(from, to);
  const audited = await createAuditLog(db).countsBetween(
    ['incident.suppressed', 'runbook.promote', 'runbook.demote'],
    from,
    to,
  );
  const preferences = await createSuppressionRepository(db).commonestBetween(from, to, 3);
  const spend = await createLlmUsageLog(db).spendBetween(from, to);
  const pending = await createQuestionRepository(db).openCount();
  const prs = await createPullRequestRepository(db).summaryBetween(from, to);
  // What is known to come: certificates an alert says are expiring (blackbox's SSLCertExpiringSoon,
  // cert-manager's CertManagerCertExpirySoon and the like), still firing at the report's end.
  const certificates = await createAlertRepository(db).expiringCertificates(to, 5);

  const message = activityMessage(
    {
      from,
      to,
      actions,
      decisions,
      found,
      audited,
      preferences,
      spend,
      pending,
      prs,
      certificates,
      runbooks: { created: inputs.runbooks.createdBetween(from, to), total: inputs.runbooks.total },
      ...(inputs.quota ? { quota: inputs.quota } : {}),
      ...(inputs.snoozed ? { snoozed: inputs.snoozed } : {}),
      autonomyMode: inputs.autonomyMode,
    },
    kind,
  );
  const { chart } = message;
  // The chart goes as a picture where the platform takes one; the text line stays for the others.
  return {
    title: message.title,
    body: message.body,
    ...(chart ? { image: await incidentChartPng(chart, chartTitle(chart)) } : {}),
  };
}
