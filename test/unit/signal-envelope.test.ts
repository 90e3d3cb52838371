import { describe, expect, it } from 'vitest';
import { decodeEnvelope, toGroupRecipient } from '../../notifiers/signal/decode-envelope.ts';
import { fixture } from '../helpers/fixtures.ts';

const BOT = '+4917098765432';
const ALICE_UUID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

describe('Signal envelopes', () => {
  it('reads a direct message', () => {
    expect(decodeEnvelope(fixture('signal-rest-jsonrpc-websocket-frame-direct-message.json'), BOT)).toEqual({
      reply: {
        platform: 'signal',
        conversation: '+4915112345678',
        sender: ALICE_UUID,
        senderAliases: ['+4915112345678'],
        senderName: 'Alice Ops',
        text: 'approve 42',
        externalId: `${ALICE_UUID}:1787390125123`,
      },
    });
  });

  it('reads a quote-reply in a group, answering to the group as the REST API names it', () => {
    const decoded = decodeEnvelope(fixture('signal-rest-jsonrpc-websocket-frame-group-quote.json'), BOT);
    const sendRequest = fixture<{ recipients: string[] }>('signal-rest-v2-send-request-group-quote.json');
    expect(decoded).toMatchObject({
      reply: { text: 'yes, roll back', inReplyTo: '1787390200000', conversation: sendRequest.recipients[0] },
    });
  });

  it('reads a 👍 reaction as a reaction to the message it targets', () => {
    expect(decodeEnvelope(fixture('signal-rest-jsonrpc-websocket-frame-group-reaction.json'), BOT)).toMatchObject({
      reply: { text: '👍', reaction: true, inReplyTo: '1787390200000', sender: ALICE_UUID },
    });
  });

  it('takes a quote or a 👍 as naming a message only when Steward wrote that message', () => {
    // A group member's message can carry the timestamp of Steward's question (a client chooses its own):
    // quoting it names nothing, and a 👍 on it is no reaction to Steward at all.
    type Frame = { envelope: { dataMessage: { quote?: object; reaction?: object } } };
    const quote = fixture<Frame>('signal-rest-jsonrpc-websocket-frame-group-quote.json');
    const byMallory = { author: '+4915199999999', authorNumber: '+4915199999999' };
    quote.envelope.dataMessage.quote = { ...quote.envelope.dataMessage.quote, ...byMallory };
    const decoded = decodeEnvelope(quote, BOT);
    expect(decoded).toMatchObject({ reply: { text: 'yes, roll back' } });
    expect('reply' in decoded && 'inReplyTo' in decoded.reply).toBe(false);

    const reaction = fixture<Frame>('signal-rest-jsonrpc-websocket-frame-group-reaction.json');
    reaction.envelope.dataMessage.reaction = {
      ...reaction.envelope.dataMessage.reaction,
      targetAuthor: '+4915199999999',
      targetAuthorNumber: '+4915199999999',
    };
    expect(decodeEnvelope(reaction, BOT)).toEqual({ ignored: 'reaction to another sender' });
  });

  it('reads every element of a normal-mode receive response', () => {
    const frames = fixture<unknown[]>('signal-rest-normal-mode-receive-response.json');
    expect(frames.map((frame) => ('reply' in decodeEnvelope(frame, BOT) ? 'reply' : 'ignored'))).toEqual([
      'reply',
      'reply',
      'reply',
    ]);
  });

  it('reads the group message a user posted in issue 571', () => {
    const frames = fixture<unknown[]>('signal-rest-normal-mode-receive-response.issue571.json');
    const decoded = frames.map((frame) => decodeEnvelope(frame, (frame as { account: string }).account));
    expect(decoded.some((result) => 'reply' in result && result.reply.conversation.startsWith('group.'))).toBe(true);
  });

  it('ignores our own messages, sync messages, receipts, removed reactions and garbage', () => {
    const direct = fixture<{ envelope: Record<string, unknown>; account: string }>(
      'signal-rest-jsonrpc-websocket-frame-direct-message.json',
    );
    const own = { ...direct, envelope: { ...direct.envelope, source: BOT, sourceNumber: BOT } };
    const sync = {
      ...direct,
      envelope: { ...direct.envelope, syncMessage: { sentMessage: {} }, dataMessage: undefined },
    };
    const receipt = {
      ...direct,
      envelope: { ...direct.envelope, dataMessage: undefined, receiptMessage: { isRead: true, timestamps: [1] } },
    };
    const reaction = fixture<{ envelope: { dataMessage: { reaction: Record<string, unknown> } } }>(
      'signal-rest-jsonrpc-websocket-frame-group-reaction.json',
    );
    reaction.envelope.dataMessage.reaction.isRemove = true;
    expect(decodeEnvelope(own, BOT)).toEqual({ ignored: 'our own message' });
    expect(decodeEnvelope(sync, BOT)).toEqual({ ignored: 'sync message' });
    expect(decodeEnvelope(receipt, BOT)).toEqual({ ignored: 'not a data message' });
    expect(decodeEnvelope(reaction, BOT)).toEqual({ ignored: 'reaction removed' });
    expect(decodeEnvelope({ envelope: { dataMessage: { message: 'x' } } }, BOT)).toEqual({
      ignored: 'not an envelope',
    });
    expect(decodeEnvelope('garbage', BOT)).toEqual({ ignored: 'not an envelope' });
    expect(decodeEnvelope({ ...direct, account: '+4900000000' }, BOT)).toEqual({ ignored: 'for another account' });
  });

  it('maps an internal group id to the REST API recipient', () => {
    expect(toGroupRecipient('mHN1kiXgMXpKz5Ah2l110NLQHzIrYaFuC3c3mzpSoaE=')).toBe(
      'group.bUhOMWtpWGdNWHBLejVBaDJsMTEwTkxRSHpJcllhRnVDM2MzbXpwU29hRT0=',
    );
  });
});
