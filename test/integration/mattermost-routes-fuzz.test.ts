import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../bot/runtime/start-runtime.ts';
import { fixture } from '../helpers/fixtures.ts';
import { fuzzRuns } from '../helpers/fuzz-runs.ts';
import { MM_SLASH_TOKEN as SLASH_TOKEN } from '../helpers/steward-env.ts';
import { useTestRuntime } from '../helpers/test-runtime.ts';

const hostile = fc.constantFrom(
  '\u0000',
  'a\u0000b',
  '\ud800',
  '💥',
  '',
  ' '.repeat(3),
  -1,
  1e308,
  true,
  null,
  [],
  {},
  [[[[[]]]]],
  'x'.repeat(5_000),
);

/**
 * Mattermost's callbacks under arbitrary input, on the real runtime: button clicks (JSON) and slash
 * commands (form-encoded) never answer 5xx, never decide a question, and never act for anyone who is
 * not an approver with Steward's own signed button.
 */
describe('Mattermost routes under arbitrary input', () => {
  let runtime: Runtime;
  const steward = useTestRuntime('steward-mm-fuzz-');

  beforeAll(async () => {
    await steward.mattermost({ slashCommand: true });
    runtime = await steward.start({ env: { PUBLIC_URL: 'https://steward.home.arpa' } });
  }, 60_000);

  const decisions = async () =>
    Number((await runtime.database.pool.query<{ n: string }>('SELECT count(*) AS n FROM decisions')).rows[0]!.n);

  it('/mattermost/actions: mutated real clicks and arbitrary JSON', async () => {
    const click = fixture<Record<string, unknown>>('mattermost-interactive-action-request.json');
    const body = fc.oneof(
      fc
        .record({
          key: fc.constantFrom(...Object.keys(click), 'context', 'user_name'),
          value: fc.oneof(hostile, fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' })),
        })
        .map(({ key, value }) => JSON.stringify({ ...click, [key]: value })),
      fc.json({ maxDepth: 4, stringUnit: 'binary' }),
      fc.string({ unit: 'binary', maxLength: 300 }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        const response = await runtime.app.inject({
          method: 'POST',
          url: '/mattermost/actions',
          payload,
          headers: { 'content-type': 'application/json' },
        });
        expect([200, 400, 413], `${response.statusCode} ${response.body} for ${payload.slice(0, 200)}`).toContain(
          response.statusCode,
        );
      }),
      { numRuns: fuzzRuns(150) },
    );
    expect(await decisions()).toBe(0);
  });

  it('/mattermost/command: arbitrary forms, with and without the token', async () => {
    const field = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.constantFrom('\u0000', 'status', 'approve', '1', 'weekly', 'alice', ''),
    );
    const form = fc.record(
      {
        token: fc.oneof(fc.constant(SLASH_TOKEN), field),
        user_id: field,
        user_name: field,
        channel_id: field,
        text: field,
        command: fc.constant('/steward'),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(form, async (values) => {
        const payload = new URLSearchParams(values as Record<string, string>).toString();
        const response = await runtime.app.inject({
          method: 'POST',
          url: '/mattermost/command',
          payload,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        const allowed = values.token === SLASH_TOKEN ? [200, 400] : [401];
        expect(allowed, `${response.statusCode} ${response.body} for ${payload.slice(0, 200)}`).toContain(
          response.statusCode,
        );
      }),
      { numRuns: fuzzRuns(150) },
    );
    expect(await decisions()).toBe(0);
  });
});
