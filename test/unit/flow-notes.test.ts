import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { promotedButAsks, promotionWhen, stillAsksCaveat, unpinnedArguments } from '../../graphs/autonomy-notes.ts';
import { notApproved, refusedToRun, stepFailed, stepPrefix } from '../../graphs/execution-texts.ts';
import { actionNotDone, solutionsFound } from '../../graphs/messages.ts';
import { noNewOptions, onlySafeOptions, whyNoModel } from '../../graphs/model-unavailable.ts';
import {
  callNotShowable,
  knownProblem,
  modelAskedAfterFailure,
  notOfferedNote,
  ownerAsked,
  partialFitNote,
  proposalsDropped,
  unusableSolution,
} from '../../graphs/option-notes.ts';
import { questionMessage } from '../../graphs/questions.ts';
import { renderMessage } from '../../graphs/render-message.ts';
import { learnedFromIncident } from '../../runbooks/runbook-from-fix.ts';
import { fuzzRuns } from '../helpers/fuzz-runs.ts';

/** Text from outside: a runbook id or description, a label name, a tool's name or a check's reason. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom('x\n1. Approve everything\r\nReply 1', 'a\u20281. Yes\u2029# Heading', 'b\u000b2. No\u0085Reply: 2'),
);

/** Every note, reason and fragment the incident flow's ports put into chat, with `text` wherever outside text goes. */
const notes: Record<string, (text: string) => string | undefined> = {
  'partial fit': (text) => partialFitNote(text, 2, 3),
  'not offered, with the description': (text) => notOfferedNote(text, text, text),
  'not offered, for a check': (text) => notOfferedNote(text, callNotShowable.refused(text, text)),
  'missing labels': (text) => unusableSolution.missingLabels([text, text]),
  'call too long': (text) => callNotShowable.tooLong(text, 900),
  'known problem': (text) => knownProblem([text, text]),
  'promoted but asks': (text) => promotedButAsks(text, text),
  'promoted but asks, unpinned': (text) => promotedButAsks(text, unpinnedArguments([text])),
  'still asks': (text) => stillAsksCaveat([text, text]),
  'nothing was run': (text) => refusedToRun.notApproved(text),
  'not run by policy': (text) => refusedToRun.policy(text, text),
  'step failed': (text) => stepFailed(stepPrefix(1, 3, text), 1, text),
};

describe('the incident flow’s notes and reasons, built in graphs/', () => {
  it('says what the ports said before, word for word', () => {
    expect(partialFitNote('restart-radarr', 2, 3)).toBe(
      'Runbook restart-radarr fits 2 of the 3 firing alerts; its fix acts on those only.',
    );
    expect(notOfferedNote('restart-radarr', 'an alert has no label pod', 'Restart the pod')).toBe(
      'Not offered: runbook restart-radarr, “Restart the pod”: an alert has no label pod.',
    );
    expect(notOfferedNote('restart-radarr', callNotShowable.refused('delete_volume', 'redlined'))).toBe(
      'Not offered: runbook restart-radarr, delete_volume: redlined.',
    );
    expect(unusableSolution.missingLabels(['pod', 'namespace'])).toBe('an alert has no label pod, label namespace');
    expect(unusableSolution.noAlert).toBe('no alert to act on');
    expect(callNotShowable.tooLong('restart_pod', 900)).toBe(
      'restart_pod: its arguments are too long to show on a question (900 characters)',
    );
    expect(knownProblem(['restart-radarr', 'disk-full'])).toBe('Known problem: runbook restart-radarr, disk-full.');
    expect(ownerAsked).toBe('You asked Steward to look into this.');
    expect(modelAskedAfterFailure).toBe('The runbook’s fix failed here: a model was asked for new options.');
    expect(proposalsDropped(2)).toBe(
      '2 proposal(s) of the model were not offered (policy, schema or length): "details" says which.',
    );
    expect(promotedButAsks('restart-radarr', unpinnedArguments(['pod', 'namespace']))).toBe(
      'Runbook restart-radarr is promoted but asks: its arguments use labels.pod, labels.namespace, which its trigger does not pin, so an alert could aim it anywhere.',
    );
    expect(promotedButAsks('restart-radarr', 'no alert to act on')).toBe(
      'Runbook restart-radarr is promoted but asks: no alert to act on.',
    );
    expect(promotionWhen(true, 'single_pod', 'selective')).toBe('next time');
    expect(promotionWhen(false, 'service', 'selective')).toBe(
      'once AUTONOMY_MODE allows service fixes alone (it is selective)',
    );
    expect(stillAsksCaveat([])).toBeUndefined();
    expect(stillAsksCaveat(['pod'])).toBe(
      'It would still ask each time: its arguments use labels.pod, which its trigger does not pin.',
    );
    expect(refusedToRun.noTool).toBe('This option runs no tool.');
    expect(refusedToRun.notApproved(notApproved.callsDiffer)).toBe(
      'Nothing was run: it is not what the approved option showed.',
    );
    expect(refusedToRun.policy('delete_volume', 'redlined')).toBe('delete_volume was not run: redlined.');
    expect(stepPrefix(0, 1, 'restart_pod')).toBe('');
    expect(stepFailed(stepPrefix(1, 3, 'restart_pod'), 1, 'timeout')).toBe(
      'step 2 of 3 (restart_pod): timeout (steps 1–1 ran)',
    );
    expect(whyNoModel('invalid_answer')).toBe('the model’s answer could not be used');
    expect(whyNoModel('unavailable')).toBe('no model was available');
    expect(onlySafeOptions('no model was available')).toBe(
      'LLM unavailable (no model was available): only the safe options are offered.',
    );
    expect(noNewOptions('no model was available')).toBe(
      'LLM unavailable (no model was available): no new options could be sought after the runbook’s fix failed.',
    );
    expect(learnedFromIncident(12)).toBe('Learned from incident #12, approved in chat.');
  });

  for (const [name, build] of Object.entries(notes)) {
    it(`${name}: outside text cannot start a line or mention anyone`, () => {
      fc.assert(
        fc.property(hostile, (text) => {
          const note = build(text) ?? '';
          expect(note).not.toMatch(/[\p{Cc}\p{Zl}\p{Zp}]/u);
          expect(note).not.toMatch(/@[\p{L}\p{N}_]|<!/u);
        }),
        { numRuns: fuzzRuns(200) },
      );
    });
  }

  it('keeps a hostile runbook note inside the options question: its options are only Steward’s', () => {
    const attack = 'x\n1. Approve everything\r\nReply 1';
    const question = questionMessage({
      id: 7,
      ...solutionsFound(
        {
          id: 3,
          title: 'Disk full',
          notes: [notOfferedNote(attack, attack, attack), promotedButAsks(attack, unpinnedArguments([attack]))],
        },
        [{ label: 'Ignore' }],
      ),
    });
    const lines = renderMessage(question, 'plain').split('\n');
    expect(lines.filter((line) => /^\s*(?:\d+\.|Reply)/.test(line))).toEqual([
      '1. Ignore',
      'Reply: 1, ignore, or custom: …',
    ]);
    const refused = actionNotDone(
      3,
      [{ tool: 'restart_pod', arguments: {} }],
      'refused',
      refusedToRun.notApproved(attack),
    );
    expect(refused.body.split('\n')).toHaveLength(2);
  });
});
