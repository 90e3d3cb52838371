import { createShellNotifier } from './shell/shell-notifier.ts';
import { createMattermostNotifier } from './mattermost/mattermost-notifier.ts';
import { createSignalNotifier } from './signal/signal-notifier.ts';

/**
 * Every chat platform, by the name of its folder under notifiers/. test/unit/notifier-registry.test.ts
 * fails when a folder is missing here. bot/ decides which are configured and builds them.
 */
export const notifierRegistry = {
  mattermost: createMattermostNotifier,
  shell: createShellNotifier,
  signal: createSignalNotifier,
} as const;

export type NotifierPlatform = keyof typeof notifierRegistry;
