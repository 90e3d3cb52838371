import { describe, expect, it } from 'vitest';
import { readGenericWebhooks } from '../../bot/config/generic-webhooks.ts';
import { formatFieldPath, parseFieldPath, readFieldPath } from '../../webhooks/generic/field-path.ts';
import { createGenericSource } from '../../webhooks/generic/source.ts';

describe('field selectors', () => {
  it('read dotted names, list items and quoted keys, with or without a leading $', () => {
    const body = { a: { b: [{ c: 'x' }] }, 'odd key': { 'd.e': 2 } };
    expect(readFieldPath(body, parseFieldPath('a.b[0].c') as never)).toBe('x');
    expect(readFieldPath(body, parseFieldPath('$.a.b[0].c') as never)).toBe('x');
    expect(readFieldPath(body, parseFieldPath('$["odd key"]["d.e"]') as never)).toBe(2);
    expect(readFieldPath(body, parseFieldPath('a.b[1].c') as never)).toBeUndefined();
    expect(readFieldPath(body, parseFieldPath('a.missing.c') as never)).toBeUndefined();
  });

  it('find nothing through inherited properties', () => {
    expect(readFieldPath({}, parseFieldPath('__proto__') as never)).toBeUndefined();
    expect(readFieldPath({}, parseFieldPath('constructor.name') as never)).toBeUndefined();
    expect(readFieldPath({ a: 'text' }, parseFieldPath('a.length') as never)).toBeUndefined();
  });

  it('refuse what they cannot read, saying so', () => {
    expect(parseFieldPath('a..b')).toMatch(/^cannot read/);
    expect(parseFieldPath('a[*]')).toMatch(/^cannot read/);
    expect(parseFieldPath('$')).toEqual([]);
    expect(parseFieldPath('')).toBe('is empty');
  });

  it('write a path back as the field a 400 names', () => {
    expect(formatFieldPath(['job', 'id'])).toBe('job.id');
    expect(formatFieldPath(['items', 0, 'odd key'])).toBe('items[0]["odd key"]');
  });
});

describe('STEWARD_CONFIG webhooks.generic', () => {
  const hook = { token: 'a-long-enough-token-0123', title: 'name', dedupKey: 'id' };

  it('takes ${VAR} in a token from the environment, and lists every token for the redactor', () => {
    const read = readGenericWebhooks(
      { generic: { one: { ...hook, token: '${ONE_TOKEN}' }, two: hook } },
      { ONE_TOKEN: 'from-the-environment-0123' },
    );
    expect(read.credentials).toEqual({ one: { bearer: 'from-the-environment-0123' }, two: { bearer: hook.token } });
    expect(read.secrets).toEqual(['from-the-environment-0123', hook.token]);
    expect(read.mappings.one!.resolvedValues).toEqual(['resolved']);
  });

  it('stops the start on a short token, an unset variable, a bad selector, a bad name or an unknown key, never echoing the token', () => {
    const problems: [unknown, RegExp][] = [
      [
        { generic: { one: { ...hook, token: 'short-secret' } } },
        /webhooks\.generic\.one\.token must be at least 16 characters/,
      ],
      [{ generic: { one: { ...hook, token: '${NOT_SET}' } } }, /uses \$\{NOT_SET\}, which is not set/],
      [
        { generic: { one: { ...hook, title: 'a..b' } } },
        /webhooks\.generic\.one\.title: selector "a\.\.b" cannot read/,
      ],
      [{ generic: { 'Bad Name': hook } }, /must be lower-case letters/],
      [{ generic: { one: { ...hook, titel: 'x' } } }, /webhooks\.generic\.one: Unrecognized key/],
      [{ generic: { one: { ...hook, token: undefined } } }, /webhooks\.generic\.one\.token/],
    ];
    for (const [section, message] of problems) {
      expect(() => readGenericWebhooks(section, {})).toThrow(message);
    }
    expect(() => readGenericWebhooks({ generic: { one: { ...hook, token: 'short-secret' } } }, {})).not.toThrow(
      /short-secret/,
    );
  });
});

describe('the generic source', () => {
  const { mappings } = readGenericWebhooks(
    {
      generic: {
        ci: {
          token: 'a-long-enough-token-0123',
          title: 'pipeline.name',
          dedupKey: 'pipeline.id',
          status: 'state',
          resolvedValues: ['passed', 0, false],
          labels: { repo: 'repo.full_name' },
          staticLabels: { service: 'ci' },
        },
      },
    },
    {},
  );
  const source = createGenericSource(mappings);
  const parse = (body: unknown) => source.parse(body, {}, { name: 'ci' });

  it('reads the mapped fields into one alert group per dedup key', () => {
    const parsed = parse({ pipeline: { id: 42, name: 'deploy' }, state: 'failed', repo: { full_name: 'me/app' } });
    expect(parsed).toMatchObject({
      ok: true,
      events: [
        {
          kind: 'alert-group',
          source: 'generic',
          groupKey: 'ci:42',
          title: 'deploy',
          labels: { service: 'ci', repo: 'me/app', alertname: 'ci' },
          alerts: [{ fingerprint: 'ci:42', status: 'firing' }],
        },
      ],
    });
  });

  it('resolves on any configured resolved value, compared as JSON values or as text', () => {
    for (const state of ['passed', 0, false, '0']) {
      const parsed = parse({ pipeline: { id: 42, name: 'deploy' }, state });
      expect(
        parsed.ok && parsed.events[0]!.kind === 'alert-group' && parsed.events[0]!.alerts[0]!.status,
        String(state),
      ).toBe('resolved');
    }
  });

  it('names the missing or unusable field', () => {
    expect(parse({ pipeline: { name: 'deploy' }, state: 'x' })).toEqual({
      ok: false,
      field: 'pipeline.id',
      message: 'is required',
    });
    expect(parse({ pipeline: { id: '', name: 'deploy' }, state: 'x' })).toEqual({
      ok: false,
      field: 'pipeline.id',
      message: 'must not be empty',
    });
    expect(parse({ pipeline: { id: 1, name: 'deploy' } })).toEqual({
      ok: false,
      field: 'state',
      message: 'is required',
    });
    expect(source.parse({}, {}, { name: 'nope' })).toMatchObject({ ok: false, field: 'name' });
  });
});
