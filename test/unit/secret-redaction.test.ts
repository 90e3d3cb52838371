import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { secretValues } from '../../bot/config/index.ts';
import { createLogger, createSecretRedactor } from '../../bot/logging/index.ts';
import { captureLogs } from '../helpers/capture-logs.ts';

describe('secretValues', () => {
  it('collects secret variables and the passwords inside URLs', () => {
    const values = secretValues({
      DATABASE_URL: 'postgres://steward:p%40ss-word-1@db:5432/steward',
      REDIS_URL: 'redis://:redis-secret-2@redis:6379',
      PORT: '8080',
    });
    expect(values).toEqual(
      expect.arrayContaining([
        'postgres://steward:p%40ss-word-1@db:5432/steward',
        'p%40ss-word-1',
        'p@ss-word-1',
        'redis-secret-2',
      ]),
    );
    expect(values).not.toContain('8080');
  });

  it('skips URLs without a password', () => {
    expect(secretValues({ REDIS_URL: 'redis://redis:6379' })).toEqual(['redis://redis:6379']);
  });
});

describe('log redaction', () => {
  it('masks a secret wherever it appears, including inside error messages and escaped JSON', () => {
    const logs = captureLogs();
    const redactor = createSecretRedactor(['s3cr3t"quoted\\value']);
    redactor.add('generated-embedded-password');
    const logger = createLogger({ level: 'info', redactor, destination: logs.stream });

    logger.info({ note: 'token is s3cr3t"quoted\\value' }, 'configured');
    logger.error(
      { err: new Error('auth failed for postgres://steward:generated-embedded-password@127.0.0.1/steward') },
      'boom',
    );
    logger.info({ url: `https://x/?p=${encodeURIComponent('generated-embedded-password')}` }, 'encoded');

    const text = logs.text();
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('generated-embedded-password');
    expect(text.match(/\[REDACTED\]/g)?.length).toBeGreaterThanOrEqual(3);
    expect(logs.entries().map((entry) => entry.msg)).toEqual(['configured', 'boom', 'encoded']);
  });

  it('masks authorization headers by path', () => {
    const logs = captureLogs();
    const logger = createLogger({ level: 'info', redactor: createSecretRedactor(), destination: logs.stream });
    logger.info({ req: { headers: { authorization: 'Bearer abc.def' } } }, 'request');
    expect(logs.text()).not.toContain('abc.def');
  });

  it('ignores values too short to be secrets, which would mask ordinary words', () => {
    const redactor = createSecretRedactor(['ab']);
    expect(redactor.redact('about')).toBe('about');
  });

  it('leaves a pino logger without a redactor untouched (control)', () => {
    const logs = captureLogs();
    pino({}, logs.stream).info({ value: 'plain-visible-value' }, 'x');
    expect(logs.text()).toContain('plain-visible-value');
  });
});
