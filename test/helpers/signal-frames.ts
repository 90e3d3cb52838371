import { fixture } from './fixtures.ts';

let clock = 1_787_390_700_000;

export interface SignalSender {
  number: string;
  uuid: string;
  name?: string;
}

/**
 * A json-rpc receive frame for a text message, built on the direct-message fixture: `quote` is the
 * timestamp of the message it quotes; `account` is the bot's number.
 */
export function signalTextFrame(account: string, from: SignalSender, text: string, quote?: string) {
  const base = fixture<{
    account: string;
    envelope: Record<string, unknown> & { dataMessage: Record<string, unknown> };
  }>('signal-rest-jsonrpc-websocket-frame-direct-message.json');
  clock += 1;
  base.account = account;
  Object.assign(base.envelope, {
    source: from.number,
    sourceNumber: from.number,
    sourceUuid: from.uuid,
    sourceName: from.name ?? null,
    timestamp: clock,
  });
  base.envelope.dataMessage = {
    ...base.envelope.dataMessage,
    timestamp: clock,
    message: text,
    ...(quote ? { quote: { id: Number(quote), author: account, authorNumber: account, text: '' } } : {}),
  };
  return base;
}
