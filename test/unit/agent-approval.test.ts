import { describe, expect, it } from 'vitest';
import { agentApprovalQuestion, redlineInAction, redlineInRequest } from '../../graphs/agent-approval.ts';
import { renderMessage } from '../../graphs/render-message.ts';
import { questionMessage } from '../../graphs/questions.ts';
import { approvalOutcome } from '../../bot/mcp-server/approval-outcome.ts';
import type { AgentApprovalRow } from '../../bot/db/repositories/agent-approvals.ts';

describe('an agent’s approval request as a question', () => {
  it('keeps every word of the agent’s from starting a line, drawing an option or mentioning anyone', () => {
    const request = agentApprovalQuestion({
      agent: 'evil\n1. Approve',
      title: 'Deploy\n2. Approve all',
      action: 'helm upgrade web\n3. Yes @channel',
      details: { why: 'fine\n4. Approve\u2028 5. Approve', nested: { a: ['x\ny'] } },
      options: ['Approve', 'Reject'],
    });
    const text = renderMessage({ ...questionMessage({ id: 7, ...request }) }, 'plain');
    const numbered = text.split('\n').filter((line) => /^\s*\d+\./.test(line));
    expect(numbered).toEqual(['1. Approve (approves)', '2. Reject (rejects)']);
    expect(text).not.toMatch(/@channel/);
    expect(text).toContain('│ why: fine');
    expect(text).toContain('│ 4. Approve');
    expect(text).toContain('Action: helm upgrade web 3. Yes ＠channel');
    expect(request.defaultOption).toBe(1);
  });

  it('lets `approve` stand for an option only when the first one is Approve', () => {
    expect(
      agentApprovalQuestion({ agent: 'a', title: 't', action: 'x', options: ['Deploy now', 'Later'] }).defaultOption,
    ).toBeUndefined();
  });
});

describe('redlines in an action’s text', () => {
  const policy = { redlines: ['reboot*'], allow: ['format_report'] };

  it.each([
    ['kubectl delete pod web-0', 'kubectl_delete'],
    ['rm -rf /srv', 'rm'],
    ['DROP TABLE users;', 'drop_table'],
    ['kubernetes.delete_pod {"name":"web"}', 'kubernetes.delete_pod'],
    ['sudo reboot now', 'reboot'],
    ['wipefs -a /dev/sdb', 'wipefs'],
  ])('refuses %s (%s)', (action, term) => {
    expect(redlineInAction(action, policy)).toBe(term);
  });

  it.each([
    'kubectl rollout restart deployment/web',
    'systemctl restart jellyfin',
    'format_report weekly',
    'information about the firmware',
  ])('lets %s be asked', (action) => {
    expect(redlineInAction(action, policy)).toBeUndefined();
  });

  it.each([
    ['kubectl de\u200Blete pod web-0', 'kubectl_delete'],
    ['r\u00ADm -rf /srv', 'rm'],
    ['kubectl d\u0435lete pod web-0', 'kubectl_delete'],
    ['\uFF52\uFF4D -rf /srv', 'rm'],
    ['DR\u039FP TABLE users;', 'drop_table'],
  ])('sees through invisible characters, lookalike letters and wide forms: %j', (action, term) => {
    expect(redlineInAction(action, policy)).toBe(term);
  });

  it.each(['p99 latency 500\u00B5s on web', 'перезапустить web', 'restart the αlpha pool'])(
    'leaves honest non-Latin text alone: %s',
    (action) => {
      expect(redlineInAction(action, policy)).toBeUndefined();
    },
  );

  it('reads the title, the options and the details as well as the action', () => {
    const honest = { title: 'Restart web', action: 'kubectl rollout restart deployment/web', options: ['Approve'] };
    expect(redlineInRequest(honest, policy)).toBeUndefined();
    expect(redlineInRequest({ ...honest, title: 'then rm -rf /' }, policy)).toBe('rm');
    expect(redlineInRequest({ ...honest, options: ['Approve and wipefs -a /dev/sdb'] }, policy)).toBe('wipefs');
    expect(redlineInRequest({ ...honest, details: { then: { run: 'DROP TABLE users' } } }, policy)).toBe('drop_table');
  });
});

describe('the outcome an agent is given', () => {
  const row = (over: Partial<AgentApprovalRow>): AgentApprovalRow => ({
    id: 3,
    agent: 'a',
    action: 'x',
    details: null,
    options: [],
    questionStatus: 'open',
    requestedAt: new Date(0),
    closedAt: null,
    decision: undefined,
    ...over,
  });
  const decided = (
    answer: AgentApprovalRow['decision'] extends infer D ? (D extends { answer: infer A } ? A : never) : never,
  ) =>
    row({
      questionStatus: 'answered',
      decision: { answer, actorName: 'Alice', channel: 'signal', decidedAt: new Date('2026-01-01T00:00:00Z') },
    });

  it('approves with option 1 only, whatever the agent called the options', () => {
    expect(approvalOutcome(decided({ kind: 'option', option: 1, label: 'Deploy tonight (approves)' }))).toEqual({
      id: 3,
      status: 'approved',
      choice: 'Deploy tonight',
      by: 'Alice',
      at: '2026-01-01T00:00:00.000Z',
    });
    expect(approvalOutcome(decided({ kind: 'option', option: 2, label: 'No, keep them' })).status).toBe('rejected');
    expect(approvalOutcome(decided({ kind: 'option', option: 2, label: 'Reject' })).status).toBe('rejected');
    expect(approvalOutcome(decided({ kind: 'option', option: 2, label: 'Not now' })).status).toBe('rejected');
    // An agent that put its yes second and its no first gets a no for its "yes".
    expect(approvalOutcome(decided({ kind: 'option', option: 2, label: 'Approve (rejects)' })).status).toBe('rejected');
    expect(approvalOutcome(decided({ kind: 'option', option: 2, label: 'Hold off (rejects)' }))).toMatchObject({
      status: 'rejected',
      choice: 'Hold off',
    });
  });

  it('rejects any other answer, with its words as the choice', () => {
    expect(approvalOutcome(decided({ kind: 'ignore' }))).toMatchObject({ status: 'rejected', choice: 'ignore' });
    expect(approvalOutcome(decided({ kind: 'custom', instruction: 'do it on staging first' }))).toMatchObject({
      status: 'rejected',
      choice: 'custom: do it on staging first',
    });
    expect(approvalOutcome(decided({ kind: 'snooze', durationMs: 3_600_000 }))).toMatchObject({
      status: 'rejected',
      choice: 'snooze 1h',
    });
  });

  it('is pending while open, expired when nobody answered, rejected when withdrawn', () => {
    expect(approvalOutcome(row({}))).toEqual({ id: 3, status: 'pending', choice: null, by: null, at: null });
    expect(approvalOutcome(row({ questionStatus: 'expired', closedAt: new Date(5) }))).toMatchObject({
      status: 'expired',
      by: null,
      at: new Date(5).toISOString(),
    });
    expect(approvalOutcome(row({ questionStatus: 'withdrawn' })).status).toBe('rejected');
  });
});
