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
});
