import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeActionRequest, decodeSlashCommand, slashToken } from '../../notifiers/mattermost/decode-callbacks.ts';
import { fixture, fixturesDir } from '../helpers/fixtures.ts';

describe('Mattermost callbacks, from the documented requests', () => {
  it('decodes a button click (mattermost-interactive-action-request.json)', () => {
    const decoded = decodeActionRequest(fixture('mattermost-interactive-action-request.json'));
    expect(decoded).toEqual({
      ok: true,
      value: expect.objectContaining({
        user_id: 'rd49ehbqyjytddasoownkuqrxe',
        user_name: 'alice',
        post_id: 'gqrnh3675jfxzftnjyjfe4udeh',
        context: { deployment_id: '42', selected_option: 'promote' },
      }),
    });
  });

  it('names the missing field of a click that is not one', () => {
    expect(decodeActionRequest({ user_id: 'u', context: {} })).toEqual({
      ok: false,
      field: 'post_id',
      message: expect.any(String),
    });
    expect(decodeActionRequest('nonsense')).toMatchObject({ ok: false, field: 'body' });
  });

  it('decodes the slash command form and finds its token in the header the server sends', () => {
    const form = Object.fromEntries(
      new URLSearchParams(readFileSync(`${fixturesDir}mattermost-slash-command-request.form-body.txt`, 'utf8').trim()),
    );
    const http = readFileSync(`${fixturesDir}mattermost-slash-command-request.http.txt`, 'utf8');
    const authorization = /^Authorization: (.*)$/m.exec(http)![1]!.trim();
    expect(decodeSlashCommand(form)).toEqual({
      ok: true,
      value: expect.objectContaining({
        user_id: 'erj6qck3rfgtujs86w5r6rckzh',
        user_name: 'alan',
        channel_id: 'fukxanjgjbnp7ng383at53k1sy',
        text: 'toronto week',
      }),
    });
    expect(slashToken(authorization, {})).toBe('qzgakf1nx3yt9dr4n8585ihbxy');
    expect(slashToken(undefined, form)).toBe('qzgakf1nx3yt9dr4n8585ihbxy');
    expect(slashToken('Bearer qzgakf1nx3yt9dr4n8585ihbxy', {})).toBeUndefined();
  });
});
