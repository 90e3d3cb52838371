import { describe, expect, it } from 'vitest';
import { signAction, verifyAction } from '../../notifiers/mattermost/action-signature.ts';
import { decodePostedEvent } from '../../notifiers/mattermost/decode-posted.ts';
import { fixture } from '../helpers/fixtures.ts';

const SECRET = 'button-secret-0123456789';
const NOW = 1_800_000_000_000;

describe('signed Mattermost buttons', () => {
  const context = signAction(SECRET, 'question-14', '2', NOW + 60_000);

  it('verify when untouched and in time', () => {
    expect(verifyAction(SECRET, context, NOW)).toEqual({ ok: true, question: 'question-14', option: '2' });
  });

  it('refuse an altered option, question or expiry, and another secret', () => {
    expect(verifyAction(SECRET, { ...context, option: '3' }, NOW)).toEqual({ ok: false, reason: 'altered' });
    expect(verifyAction(SECRET, { ...context, question: 'question-15' }, NOW)).toEqual({
      ok: false,
      reason: 'altered',
    });
    expect(verifyAction(SECRET, { ...context, expires: NOW + 999_999 }, NOW)).toEqual({ ok: false, reason: 'altered' });
    expect(verifyAction('another-secret-0123456789', context, NOW)).toEqual({ ok: false, reason: 'altered' });
  });

  it('refuse an expired button', () => {
    expect(verifyAction(SECRET, context, NOW + 60_001)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuse the unsigned context of the documented callback', () => {
    const request = fixture<{ context: unknown }>('mattermost-interactive-action-request.json');
    expect(verifyAction(SECRET, request.context, NOW)).toEqual({ ok: false, reason: 'unsigned' });
    expect(verifyAction(SECRET, undefined, NOW)).toEqual({ ok: false, reason: 'unsigned' });
  });
});

describe('Mattermost posted events', () => {
  const frame = fixture('mattermost-websocket-posted-event.verbatim.json');
  const channel = new Set(['3xqxgouhqjnm5k49qohjort7yc']);

  it('decode the verbatim frame, parsing its post a second time', () => {
    expect(decodePostedEvent(frame, 'stewardbot', channel)).toEqual({
      reply: {
        platform: 'mattermost',
        conversation: '3xqxgouhqjnm5k49qohjort7yc',
        sender: 'wb7dpg3tsfrimxcu8767ig55sh',
        senderAliases: ['admin'],
        senderName: 'admin',
        text: 'oh there once was a hero named ragnar the red',
        externalId: 'xo8gwpzsq78tur5soq47cjtskh',
      },
    });
  });

  it('ignore our own posts, other channels, other events and webhook posts', () => {
    expect(decodePostedEvent(frame, 'wb7dpg3tsfrimxcu8767ig55sh', channel)).toEqual({ ignored: 'our own post' });
    expect(decodePostedEvent(frame, 'stewardbot', new Set(['elsewhere']))).toEqual({ ignored: 'another channel' });
    expect(decodePostedEvent(fixture('mattermost-websocket-hello-event.json'), 'stewardbot', channel)).toEqual({
      ignored: 'hello',
    });
    const fromWebhook = structuredClone(frame) as { data: { post: string } };
    fromWebhook.data.post = JSON.stringify({ ...JSON.parse(fromWebhook.data.post), props: { from_webhook: 'true' } });
    expect(decodePostedEvent(fromWebhook, 'stewardbot', channel)).toEqual({ ignored: 'bot or webhook post' });
    expect(decodePostedEvent({ event: 'posted', data: { post: '{not json' } }, 'stewardbot', channel)).toEqual({
      ignored: 'post is not JSON',
    });
  });
});
