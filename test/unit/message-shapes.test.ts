import { describe, expect, it } from 'vitest';
import { fixComplete, issueDetected, nextTime, planProposed, solutionsFound } from '../../graphs/messages.ts';
import { questionMessage } from '../../graphs/questions.ts';
import { renderMessage } from '../../graphs/render-message.ts';

const asked = (request: ReturnType<typeof issueDetected>) => questionMessage({ id: 9, ...request });

describe('the seed design’s message shapes', () => {
  it('🔔 Issue detected … Is this a problem? [Yes] [No, expected] [Snooze 1h]', () => {
    const question = issueDetected({
      id: 14,
      title: 'HighMemory radarr',
      alertLines: ['• HighMemory on radarr-0 [warning]: 95% of its limit'],
      flapping: true,
    });
    expect(renderMessage(asked(question), 'plain')).toBe(
      [
        '🔔 Issue detected: #14 HighMemory radarr',
        '',
        '• HighMemory on radarr-0 [warning]: 95% of its limit',
        '⚠️ Flapping: it fired again soon after it resolved.',
        '',
        'Is this a problem?',
        '',
        '1. Yes',
        '2. No, expected',
        '3. Snooze 1h',
        '',
        'Reply: 1, 2, 3, details, or custom: …',
      ].join('\n'),
    );
    expect(question.defaultOption).toBeUndefined(); // 👍 cannot answer "is this a problem?"
  });

  it('📋 Solutions found: each option shows the exact call it runs, then whose words its label is, impact, risk and track record', () => {
    const question = solutionsFound(
      {
        id: 14,
        title: 'HighMemory radarr',
        diagnosis: 'radarr-0 uses 95% of its 1 GiB limit; it grew steadily since the last import.',
      },
      [
        {
          label: 'Increase memory 1GB → 2GB',
          impact: '30s restart',
          risk: 'low',
          reversible: true,
          record: { successes: 4, chosen: 4 },
          labelSource: { kind: 'runbook', id: 'radarr-memory' },
          calls: [{ tool: 'kubectl_patch', arguments: { name: 'radarr', memory: '2Gi' } }],
        },
        {
          label: 'Increase memory limit to 2Gi (safe, recommended)',
          impact: '30s downtime',
          risk: 'low',
          labelSource: { kind: 'model' },
          calls: [{ tool: 'kubectl_rollout_restart', arguments: { name: 'postgres', namespace: 'prod' } }],
        },
        { label: 'Ignore', risk: 'high', reversible: false },
      ],
      1,
    );
    expect(renderMessage(asked(question), 'signal-styled')).toBe(
      [
        '**📋 Solutions found: #14 HighMemory radarr**',
        '',
        '🤖 radarr-0 uses 95% of its 1 GiB limit; it grew steadily since the last import.',
        '',
        '**1.** kubectl_patch · memory="2Gi" · name=radarr',
        '   📘 runbook radarr-memory: “Increase memory 1GB → 2GB” (worked 4 of 4 times, 30s restart, 🟢 low risk)',
        '**2.** kubectl_rollout_restart · name=postgres · namespace=prod',
        '   🤖 the model calls it “Increase memory limit to 2Gi (safe, recommended)” (30s downtime, 🟢 low risk)',
        '**3.** Ignore (🔴 high risk, not reversible)',
        '',
        'Reply: 1, 2, 3, ignore, or custom: …',
      ].join('\n'),
    );
    expect(question.defaultOption).toBe(1);
  });

  it('✅ Complete with what ran, how long it took to show, before and after; then Next time: [Auto] [Ask] [Investigate]', () => {
    expect(
      renderMessage(
        fixComplete(
          { id: 14, title: 'HighMemory radarr' },
          {
            action: 'kubectl_patch radarr memory="2Gi"',
            tookMs: 95_000,
            before: '95% of 1 GiB',
            after: '41% of 2 GiB',
          },
        ),
        'plain',
      ),
    ).toBe(
      [
        '✅ Complete: #14 HighMemory radarr',
        '',
        'Ran: kubectl_patch radarr memory="2Gi"',
        'Resolved 95s after the fix.',
        'Before: 95% of 1 GiB',
        'After: 41% of 2 GiB',
      ].join('\n'),
    );
    const next = nextTime({ id: 14 }, 'Increase memory 1GB → 2GB');
    expect(renderMessage(asked(next), 'plain')).toContain(
      '1. Auto (run it and tell you)\n2. Ask (ask first, as now)\n3. Investigate (look for a better fix)\n\nReply: auto, ask or investigate',
    );
  });

  it('📝 Plan: the owner\u2019s words, the model\u2019s steps with why, and the calls on the option that runs them, approve as the default', () => {
    const plan = planProposed(
      { id: 14, title: 'HighMemory radarr' },
      {
        instruction: 'restart it and give it 2Gi',
        summary: 'Restart radarr-0 with more memory',
        steps: [
          { tool: 'kubectl_patch', arguments: { name: 'radarr-0', memory: '2Gi' }, why: 'more headroom' },
          { tool: 'restart_pod', arguments: { name: 'radarr-0' }, why: 'applies it' },
        ],
      },
    );
    expect(renderMessage(asked(plan), 'plain')).toBe(
      [
        '📝 Plan for #14 HighMemory radarr',
        '',
        'You asked: “restart it and give it 2Gi”',
        "🤖 The model's plan: “Restart radarr-0 with more memory”",
        '',
        'Step 1: kubectl_patch · memory="2Gi" · name=radarr-0',
        '   🤖 why: more headroom',
        'Step 2: restart_pod · name=radarr-0',
        '   🤖 why: applies it',
        '',
        'Nothing runs until you approve.',
        '',
        '1. kubectl_patch · memory="2Gi" · name=radarr-0',
        '   then restart_pod · name=radarr-0',
        '   🤖 the model calls it “Restart radarr-0 with more memory”',
        '2. Back to the options',
        '',
        'Reply: approve, 2, ignore, or custom: …',
      ].join('\n'),
    );
    expect(plan.defaultOption).toBe(1);
  });
});
