import { ChatSendError, type ChatNotifier, type OutgoingMessage } from '../../graphs/chat-port.ts';

/**
 * A chat platform whose behaviour a test scripts: it records what it accepted and fails the next N
 * sends as told. For testing the outbox against the chat port; platform wire formats are tested
 * against loopback fakes of the real services.
 */
export function scriptedNotifier(platform = 'scripted') {
  const accepted: OutgoingMessage[] = [];
  const failures: (() => Error)[] = [];
  let attempts = 0;
  const notifier: ChatNotifier = {
    platform,
    send(message) {
      attempts += 1;
      const failure = failures.shift();
      if (failure) return Promise.reject(failure());
      accepted.push(message);
      return Promise.resolve({ platformRef: `${platform}-${accepted.length}` });
    },
    followUp(_target, message) {
      return notifier.send(message);
    },
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
  };
  return {
    notifier,
    accepted,
    attempts: () => attempts,
    failNext(count: number, error: () => Error = () => new ChatSendError('platform unavailable', { retryable: true })) {
      for (let i = 0; i < count; i++) failures.push(error);
    },
  };
}
