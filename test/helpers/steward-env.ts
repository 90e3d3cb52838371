/** The chat identities and model key the end-to-end tests share, and the environment they make. */
export const LLM_KEY = 'sk-litellm-virtual-key-0123456789';
export const BOT = '+4917098765432';
export const OWNER = { number: '+4915112345678', uuid: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', name: 'Alice Ops' };

/** Steward's variables for the LiteLLM fake at `url`. */
export function llmEnv(url: string): Record<string, string> {
  return { LLM_BASE_URL: url, LLM_API_KEY: LLM_KEY };
}

/** Steward's variables for the Signal fake at `url`, with OWNER as the one recipient and approver. */
export function signalEnv(url: string): Record<string, string> {
  return { SIGNAL_API_URL: url, SIGNAL_NUMBER: BOT, SIGNAL_RECIPIENTS: OWNER.number, SIGNAL_APPROVERS: OWNER.number };
}

/** The Mattermost bot the end-to-end tests share: its token, channel and slash-command token; alice approves. */
export const MM_TOKEN = 'mattermost-bot-token-0123456789';
export const MM_CHANNEL = 'opschannelid00000000000000';
export const MM_SLASH_TOKEN = 'slash-command-token-0123456789';

/** Steward's variables for the Mattermost fake at `url`, with alice as the one approver (and the slash command when asked). */
export function mattermostEnv(url: string, options: { slashCommand?: boolean } = {}): Record<string, string> {
  return {
    MATTERMOST_URL: url,
    MATTERMOST_TOKEN: MM_TOKEN,
    MATTERMOST_CHANNEL_ID: MM_CHANNEL,
    MATTERMOST_APPROVERS: 'alice',
    ...(options.slashCommand ? { MATTERMOST_SLASH_TOKEN: MM_SLASH_TOKEN } : {}),
  };
}
