import { requestFindings } from '../../graphs/findings.ts';
import type { OutgoingNotice } from '../../graphs/chat-port.ts';
import { investigate, type InvestigatorDeps } from './investigate.ts';
import { findingsOf } from './stored-evidence.ts';

/**
 * A request the owner typed with no question open ("check why sonarr is slow"): a read-only
 * investigation of it, within the same budget as an incident's, answered with its findings. Nothing
 * it runs changes anything; a fix is only ever offered through an incident's question.
 */
export async function answerOwnerRequest(deps: InvestigatorDeps, text: string): Promise<OutgoingNotice> {
  const result = await investigate(deps, { facts: { request: text }, labels: {}, generatorUrls: [], earlier: [], deep: false, question: text });
  const findings = findingsOf({ evidence: [], calls: 0 }, result) ?? { evidence: [], relevant: [] };
  return requestFindings(text, findings);
}
