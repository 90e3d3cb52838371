import { readPolicy } from '../../bot/flow/policy-config.ts';
import { readSchedules } from '../../bot/schedules/schedule-config.ts';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadStructuredConfig, parseStructuredConfig } from '../../bot/config/index.ts';

describe('STEWARD_CONFIG', () => {
  it('is optional', async () => {
    expect(await loadStructuredConfig(undefined)).toEqual({});
  });

  it('parses the known sections', () => {
    const parsed = parseStructuredConfig(
      'mcp:\n  servers: []\nschedules:\n  - id: weekly\npolicy:\n  redlines: ["delete_*"]\nrouting: {}\n',
      'steward.yaml',
    );
    expect(parsed.policy).toEqual({ redlines: ['delete_*'] });
    expect(parsed.schedules).toEqual([{ id: 'weekly' }]);
  });

  it('accepts an empty file', () => {
    expect(parseStructuredConfig('', 'steward.yaml')).toEqual({});
  });

  it('rejects an unknown top-level key, naming it', () => {
    expect(() => parseStructuredConfig('polcy:\n  redlines: []\n', 'steward.yaml')).toThrow(/polcy/);
  });

  it('reports a YAML syntax error with the file and line', () => {
    try {
      parseStructuredConfig('mcp:\n  servers: [\n', 'steward.yaml');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems[0]?.variable).toBe('STEWARD_CONFIG');
      expect((error as Error).message).toMatch(/steward\.yaml:\d+/);
    }
  });

  it('names STEWARD_CONFIG when the file is missing', async () => {
    await expect(loadStructuredConfig('/nonexistent/steward.yaml')).rejects.toThrow(/STEWARD_CONFIG.*ENOENT/);
  });

  it('loads a file from disk', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'steward-cfg-'));
    const file = path.join(dir, 'steward.yaml');
    await writeFile(file, 'routing:\n  sensitive_names: [alice]\n');
    expect(await loadStructuredConfig(file)).toEqual({ routing: { sensitive_names: ['alice'] } });
  });
});

describe('steward.example.yaml', () => {
  it('is a valid STEWARD_CONFIG', async () => {
    const config = await loadStructuredConfig(new URL('../../steward.example.yaml', import.meta.url).pathname);
    expect(config.policy).toMatchObject({ redlines: expect.arrayContaining(['delete_*']) });
    expect(readPolicy(config.policy).readOnly).toEqual(['get_*', 'list_*']);
  });
});

describe('schedules.example.yaml', () => {
  it('holds the seed’s four scheduled queries, valid as `schedules`', async () => {
    const config = await loadStructuredConfig(new URL('../../schedules.example.yaml', import.meta.url).pathname);
    const queries = readSchedules(config.schedules, 'Europe/Berlin');
    expect(queries.map((query) => query.id)).toEqual([
      'unifi-features',
      'security-review',
      'resource-optimisation',
      'dependency-health',
    ]);
    expect(queries.find((query) => query.id === 'resource-optimisation')!.tools).toEqual(['list_pods', 'get_*']);
  });
});
