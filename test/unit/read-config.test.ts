import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, knownVariables, readConfig } from '../../bot/config/index.ts';

function problemsOf(env: Record<string, string>): ConfigError {
  try {
    readConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('readConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = readConfig({});
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      logLevel: 'info',
      dataDir: path.resolve('./data'),
      databaseUrl: undefined,
      redisUrl: undefined,
      stewardConfigPath: undefined,
      runbookDir: path.resolve('./data/runbooks'),
      publicUrl: undefined,
      httpBodyLimit: 1_048_576,
      alertmanager: { token: undefined, basic: undefined },
      coroot: { token: undefined },
      deliveryRetentionDays: 30,
      flapWindowMs: 30 * 60_000,
      incidentUpdateIntervalMs: 60_000,
      checkpointRetentionMs: 7 * 86_400_000,
    });
  });

  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
    ['250ms', 250],
  ])('reads the duration %s', (value, ms) => {
    expect(readConfig({ FLAP_WINDOW: value }).flapWindowMs).toBe(ms);
  });

  it('rejects a duration without a unit, naming the variable', () => {
    expect(problemsOf({ INCIDENT_UPDATE_INTERVAL: '60' }).problems[0]).toMatchObject({
      variable: 'INCIDENT_UPDATE_INTERVAL',
    });
  });

  describe('webhook credentials', () => {
    const token = 'a-long-random-token-0123456789';

    it('reads a bearer token and Basic credentials', () => {
      const config = readConfig({
        ALERTMANAGER_TOKEN: token,
        ALERTMANAGER_USER: 'am',
        ALERTMANAGER_PASSWORD: token,
        COROOT_TOKEN: token,
      });
      expect(config.alertmanager).toEqual({ token, basic: { user: 'am', password: token } });
      expect(config.coroot).toEqual({ token });
    });

    it('refuses a short token without echoing it', () => {
      const error = problemsOf({ ALERTMANAGER_TOKEN: 'short-secret' });
      expect(error.problems[0]).toMatchObject({ variable: 'ALERTMANAGER_TOKEN' });
      expect(error.message).not.toContain('short-secret');
    });

    it('needs the Basic user and password together', () => {
      expect(problemsOf({ ALERTMANAGER_USER: 'am' }).problems[0]).toMatchObject({ variable: 'ALERTMANAGER_PASSWORD' });
    });

    it("refuses an explicit non-loopback HOST without Alertmanager's credential, naming the variable", () => {
      const error = problemsOf({ HOST: '0.0.0.0', COROOT_TOKEN: token });
      expect(error.problems.map((p) => p.variable)).toEqual(['ALERTMANAGER_TOKEN']);
      expect(error.message).toContain('HOST is 0.0.0.0');
    });

    it('accepts a non-loopback HOST once Alertmanager has a credential; Coroot and GitHub without one stay loopback-only', () => {
      expect(readConfig({ HOST: '0.0.0.0', ALERTMANAGER_TOKEN: token, COROOT_TOKEN: token }).host).toBe('0.0.0.0');
      expect(readConfig({ HOST: '192.168.1.10', ALERTMANAGER_USER: 'am', ALERTMANAGER_PASSWORD: token }).host).toBe(
        '192.168.1.10',
      );
      // An unused platform's key left out, or left empty as compose and `kubectl create secret --from-env-file` pass it.
      expect(
        readConfig({ HOST: '0.0.0.0', ALERTMANAGER_TOKEN: token, COROOT_TOKEN: '', GITHUB_WEBHOOK_SECRET: '' }).coroot
          .token,
      ).toBeUndefined();
    });

    it('accepts loopback without credentials (the routes then take loopback peers only)', () => {
      for (const host of ['127.0.0.1', '::1', 'localhost']) expect(readConfig({ HOST: host }).host).toBe(host);
      // The default HOST (0.0.0.0) is not a choice the owner made: the routes stay loopback-only.
      expect(readConfig({}).host).toBe('0.0.0.0');
    });
  });

  it('reads every variable it knows', () => {
    const config = readConfig({
      PORT: '9000',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      DATA_DIR: '/var/lib/steward',
      DATABASE_URL: 'postgres://steward:pw@db:5432/steward',
      REDIS_URL: 'redis://redis:6379/0',
      STEWARD_CONFIG: '/etc/steward/steward.yaml',
      RUNBOOK_DIR: '/srv/runbooks',
      PUBLIC_URL: 'https://steward.home.arpa',
      HTTP_BODY_LIMIT: '2048',
    });
    expect(config).toMatchObject({
      port: 9000,
      host: '127.0.0.1',
      logLevel: 'debug',
      dataDir: '/var/lib/steward',
      databaseUrl: 'postgres://steward:pw@db:5432/steward',
      redisUrl: 'redis://redis:6379/0',
      stewardConfigPath: '/etc/steward/steward.yaml',
      runbookDir: '/srv/runbooks',
      publicUrl: 'https://steward.home.arpa',
      httpBodyLimit: 2048,
    });
  });

  it('derives RUNBOOK_DIR from DATA_DIR when unset', () => {
    expect(readConfig({ DATA_DIR: '/srv/steward' }).runbookDir).toBe('/srv/steward/runbooks');
  });

  it('treats empty strings as unset', () => {
    expect(readConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 8080, databaseUrl: undefined });
  });

  it('returns a frozen object', () => {
    const config = readConfig({});
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each(['abc', '0', '65536', '80.5', '-1'])('rejects PORT=%s and names PORT', (value) => {
    const error = problemsOf({ PORT: value });
    expect(error.problems.map((p) => p.variable)).toEqual(['PORT']);
    expect(error.message).toContain('PORT');
    expect(error.message).toContain(JSON.stringify(value));
  });

  it('names every bad variable in one message', () => {
    const error = problemsOf({ PORT: 'abc', LOG_LEVEL: 'loud', REDIS_URL: 'http://redis', PUBLIC_URL: 'not a url' });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['LOG_LEVEL', 'PORT', 'PUBLIC_URL', 'REDIS_URL']);
    for (const name of ['PORT', 'LOG_LEVEL', 'REDIS_URL', 'PUBLIC_URL']) expect(error.message).toContain(name);
  });

  it('never echoes the value of a secret variable', () => {
    const error = problemsOf({ DATABASE_URL: 'mysql://root:hunter2-secret@db/steward' });
    expect(error.problems[0]?.variable).toBe('DATABASE_URL');
    expect(error.message).not.toContain('hunter2-secret');
  });

  it('ignores variables it does not know', () => {
    expect(() => readConfig({ UNRELATED: 'x', PATH: '/usr/bin' })).not.toThrow();
    expect(knownVariables).not.toContain('PATH');
  });

  describe('chat platforms', () => {
    const signal = {
      SIGNAL_API_URL: 'http://signal-cli-rest-api:8080',
      SIGNAL_NUMBER: '+4917098765432',
      SIGNAL_RECIPIENTS: '+4915112345678, +4915187654321',
      SIGNAL_APPROVERS: '+4915112345678,1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    };
    const mattermost = {
      MATTERMOST_URL: 'https://chat.home.arpa',
      MATTERMOST_TOKEN: 'bot-token-0123456789',
      MATTERMOST_CHANNEL_ID: 'j6j53p28k6urx15fpcgsr20psq',
      MATTERMOST_APPROVERS: '@Alice,rd49ehbqyjytddasoownkuqrxe',
    };

    it('leaves both off when nothing is set', () => {
      const config = readConfig({});
      expect(config.signal).toBeUndefined();
      expect(config.mattermost).toBeUndefined();
    });

    it('reads Signal: lists split at commas, numbers and account UUIDs as approvers', () => {
      expect(readConfig(signal).signal).toEqual({
        apiUrl: 'http://signal-cli-rest-api:8080',
        number: '+4917098765432',
        recipients: ['+4915112345678', '+4915187654321'],
        approvers: ['+4915112345678', '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'],
      });
      expect(
        readConfig({
          ...signal,
          SIGNAL_RECIPIENTS: 'group.bUhOMWtpWGdNWHBLejVBaDJsMTEwTkxRSHpJcllhRnVDM2MzbXpwU29hRT0=',
        }).signal!.recipients,
      ).toHaveLength(1);
    });

    it('reads Mattermost, deriving a stable button secret from the token when none is set', () => {
      const config = readConfig(mattermost).mattermost!;
      expect(config).toMatchObject({
        url: 'https://chat.home.arpa',
        channelId: 'j6j53p28k6urx15fpcgsr20psq',
        approvers: ['@Alice', 'rd49ehbqyjytddasoownkuqrxe'],
        slashToken: undefined,
      });
      expect(config.actionSecret).toBe(readConfig(mattermost).mattermost!.actionSecret);
      expect(config.actionSecret).not.toContain(mattermost.MATTERMOST_TOKEN);
      expect(
        readConfig({ ...mattermost, MATTERMOST_ACTION_SECRET: 'rotate-me-0123456789' }).mattermost!.actionSecret,
      ).toBe('rotate-me-0123456789');
    });

    it('refuses half a platform, naming each missing variable', () => {
      const error = problemsOf({ SIGNAL_API_URL: signal.SIGNAL_API_URL, SIGNAL_NUMBER: signal.SIGNAL_NUMBER });
      expect(error.problems.map((problem) => problem.variable)).toEqual(['SIGNAL_RECIPIENTS', 'SIGNAL_APPROVERS']);
      expect(error.message).toContain(
        'SIGNAL_RECIPIENTS is required to use Signal (SIGNAL_API_URL, SIGNAL_NUMBER are set)',
      );
    });

    it.each([
      ['SIGNAL_NUMBER', '015112345678', 'E.164'],
      ['SIGNAL_RECIPIENTS', '+4915112345678,group.abc', 'one group.<id> alone'],
      ['SIGNAL_RECIPIENTS', 'owner', 'E.164 numbers'],
      ['SIGNAL_APPROVERS', 'everyone', 'E.164 numbers or Signal account UUIDs'],
      ['MATTERMOST_CHANNEL_ID', 'town-square', '26-character channel id'],
    ])('refuses %s=%s, saying what it must be', (variable, value, expected) => {
      const base = variable.startsWith('SIGNAL') ? signal : mattermost;
      const error = problemsOf({ ...base, [variable]: value });
      expect(error.problems[0]).toMatchObject({ variable });
      expect(error.problems[0]!.message).toContain(expected);
    });

    it('never echoes the Mattermost token in an error', () => {
      const error = problemsOf({ ...mattermost, MATTERMOST_TOKEN: 'short' });
      expect(error.message).not.toContain('short');
    });
  });
});
