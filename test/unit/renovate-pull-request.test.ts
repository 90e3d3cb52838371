import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shortPackageName } from '../../graphs/pull-request/pull-request-messages.ts';
import { isRenovatePullRequest, parseRenovatePullRequest } from '../../webhooks/github/renovate-pr.ts';
import { createSignatureCheck } from '../../webhooks/github/signature.ts';
import { githubSource } from '../../webhooks/github/source.ts';
import { fixture, fixturesDir } from '../helpers/fixtures.ts';
import { renovateBody } from '../helpers/github-deliveries.ts';

const body = (name: string) => readFileSync(`${fixturesDir}${name}`, 'utf8');

describe('reading a Renovate pull request', () => {
  it('reads the current layout (Package | Change | Age | Confidence) with → and a major title', () => {
    const parsed = parseRenovatePullRequest({
      title: 'chore(deps): update dependency eslint to v9',
      body: body('renovate-pr-body-major.md'),
      headRef: 'renovate/eslint-9.x',
    });
    expect(parsed.updates).toEqual([{ package: 'eslint', from: '^8.57.1', to: '^9.9.0' }]);
    expect(parsed.updateType).toBe('major');
    expect(parsed.releaseNotes).toContain('v9.0.0');
    expect(parsed.releaseNotes).toContain('Breaking Changes');
    expect(parsed.releaseNotes).not.toContain('Configuration');
    expect(parsed.releaseNotes).not.toContain('<details>');
  });

  it('reads the legacy layout (Package | Type | Update | Change) with -> and takes the Update column', () => {
    const parsed = parseRenovatePullRequest({
      title: 'Update renovate/renovate Docker tag to v19.47.0',
      body: body('renovate-pr-body-legacy-format.verbatim.md'),
      headRef: 'renovate/renovate-renovate-19.x',
    });
    expect(parsed.updates).toEqual([
      { package: 'renovate/renovate', from: '19.46.0-slim', to: '19.47.0-slim', depType: 'final', updateType: 'minor' },
    ]);
    expect(parsed.updateType).toBe('minor');
    expect(parsed.releaseNotes).toContain('AWS ECR authentication support');
    expect(parsed.releaseNotes).not.toContain('&#8203;');
  });

  it('undoes the @&#8203; escape of scoped names and compares versions when nothing else tells', () => {
    const parsed = parseRenovatePullRequest({
      title: 'fix(deps): update dependency @types/node to v20.19.44',
      body: renovateBody([{ package: '@types/node', from: '20.19.43', to: '20.19.44' }], 'notes'),
      headRef: 'renovate/node-20.x',
    });
    expect(parsed.updates).toEqual([{ package: '@types/node', from: '20.19.43', to: '20.19.44' }]);
    expect(parsed.updateType).toBe('patch');
  });

  it('takes the largest change of several rows, and the group branch before the versions', () => {
    const rows = [
      { package: 'lscr.io/linuxserver/sonarr', from: '4.0.1', to: '4.0.2' },
      { package: 'lscr.io/linuxserver/radarr', from: '5.2.0', to: '5.3.0' },
    ];
    expect(
      parseRenovatePullRequest({
        title: 'Update media images',
        body: renovateBody(rows, ''),
        headRef: 'renovate/media',
      }).updateType,
    ).toBe('minor');
    expect(
      parseRenovatePullRequest({
        title: 'Update media images',
        body: renovateBody(rows, ''),
        headRef: 'renovate/patch-media',
      }).updateType,
    ).toBe('patch');
  });

  it('falls back to the title when the body is null, major for "to v9"', () => {
    const parsed = parseRenovatePullRequest({
      title: 'Update dependency eslint to v9',
      body: null,
      headRef: 'renovate/eslint-9.x',
    });
    expect(parsed.updates).toEqual([{ package: 'eslint', from: '', to: 'v9' }]);
    expect(parsed.updateType).toBe('major');
    expect(parsed.releaseNotes).toBe('');
  });

  it('recognises Renovate by its author or its branch prefix, and nothing else', () => {
    const recognition = { authors: ['renovate[bot]'], branchPrefix: 'renovate/' };
    expect(isRenovatePullRequest({ author: 'renovate[bot]', headRef: 'deps' }, recognition)).toBe(true);
    expect(isRenovatePullRequest({ author: 'self-hosted-bot', headRef: 'renovate/eslint-9.x' }, recognition)).toBe(
      true,
    );
    expect(isRenovatePullRequest({ author: 'octocat', headRef: 'feature/x' }, recognition)).toBe(false);
  });

  it('names packages as people do', () => {
    expect(shortPackageName('lscr.io/linuxserver/sonarr')).toBe('sonarr');
    expect(shortPackageName('@types/node')).toBe('@types/node');
  });
});

describe('GitHub deliveries', () => {
  it('checks X-Hub-Signature-256 with the documented test vector, and refuses anything else', async () => {
    const check = createSignatureCheck("It's a Secret to Everybody");
    expect(
      await check('Hello, World!', 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'),
    ).toBe(true);
    expect(
      await check('Hello, World?', 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'),
    ).toBe(false);
    expect(await check('Hello, World!', 'sha256=zz')).toBe(false);
    expect(await check('Hello, World!', undefined)).toBe(false);
    expect(await check('Hello, World!', 'sha1=0a0a')).toBe(false);
  });

  it('turns the octokit pull_request example and the Renovate fixture into pull-request events', () => {
    const plain = githubSource.parse(fixture('github-pull_request-opened.octokit-example.json'), {
      'x-github-event': 'pull_request',
    });
    expect(plain).toMatchObject({
      ok: true,
      events: [{ kind: 'pull-request', repo: 'Codertocat/Hello-World', author: 'Codertocat', state: 'open' }],
    });
    const renovate = githubSource.parse(fixture('github-pull_request-opened-renovate-major.json'), {
      'x-github-event': 'pull_request',
    });
    expect(renovate).toMatchObject({
      ok: true,
      events: [
        {
          kind: 'pull-request',
          author: 'renovate[bot]',
          headRef: 'renovate/eslint-9.x',
          details: { updateType: 'major', updates: [{ package: 'eslint', from: '^8.57.1', to: '^9.9.0' }] },
        },
      ],
    });
  });

  it('answers a ping and events it does not follow without events, and names a bad field', () => {
    expect(githubSource.parse({ zen: 'Keep it logically awesome.', hook_id: 1 }, { 'x-github-event': 'ping' })).toEqual(
      { ok: true, events: [], ignored: 'ping' },
    );
    expect(githubSource.parse({}, { 'x-github-event': 'star' })).toMatchObject({ ok: true, events: [] });
    expect(githubSource.parse({ action: 'labeled', number: 1 }, { 'x-github-event': 'pull_request' })).toMatchObject({
      ok: false,
      field: 'pull_request',
    });
    expect(githubSource.parse({}, {})).toMatchObject({ ok: false, field: 'X-GitHub-Event' });
  });
});
