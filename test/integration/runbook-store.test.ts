import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRunbookStore, type RunbookStore } from '../../bot/runbooks/runbook-store.ts';
import { silentLogger } from '../helpers/silent-logger.ts';
import { until } from '../helpers/until.ts';

const seed = `# Radarr leaks memory after large imports; a bigger limit has fixed it every time.
id: radarr-memory-pressure-001
created: 2025-12-21
trigger:
  alertname: HighMemory          # what matches an incoming alert
  labels: { pod: "radarr.*" }     # anchored regular expressions
solutions:
  - id: increase_memory
    description: Increase memory 1GB → 2GB
    action: kubectl_patch        # an MCP tool
    args: { name: "{{labels.pod}}", namespace: "{{labels.namespace}}", memory: 2Gi }
    impact: 30s restart
    risk: low
    reversible: true
    human_selected: 4
    successes: 4
    failures: 0
    success_rate: 1.0
automation_level: ask_human      # ask_human | auto_notify | auto_silent
promotion_criteria:
  min_approvals: 5
  min_success_rate: 0.95
  blast_radius: single_pod
`;

let store: RunbookStore | undefined;
afterEach(() => store?.close());

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'steward-runbooks-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('the runbook folder', () => {
  it('loads the seed example, and reports a bad file with its path and line instead of stopping', async () => {
    const dir = folder({
      'radarr.yaml': seed,
      'broken-yaml.yaml': 'id: x\ntrigger: [unclosed\n',
      'wrong-field.yaml': seed
        .replace('id: radarr-memory-pressure-001', 'id: other')
        .replace('risk: low', 'risk: tiny'),
      'notes.txt': 'not a runbook',
    });
    store = createRunbookStore({ dir, logger: silentLogger() });
    await store.load();
    expect(store.list().map((runbook) => runbook.id)).toEqual(['radarr-memory-pressure-001']);
    expect(store.problems()).toEqual([
      {
        file: path.join(dir, 'broken-yaml.yaml'),
        line: 3,
        message: expect.stringContaining('must be sufficiently indented and end with a ]'),
      },
      { file: path.join(dir, 'wrong-field.yaml'), line: 13, message: expect.stringMatching(/^solutions\.0\.risk: /) },
    ]);
  });

  it('writes an outcome back atomically, keeping comments and order', async () => {
    const dir = folder({ 'radarr.yaml': seed });
    store = createRunbookStore({ dir, logger: silentLogger() });
    await store.load();
    const updated = await store.recordOutcome(
      'radarr-memory-pressure-001',
      'increase_memory',
      true,
      new Date('2026-11-23T09:00:00Z'),
    );
    expect(updated!.solutions[0]).toMatchObject({
      human_selected: 5,
      successes: 5,
      success_rate: 1,
      last_used: '2026-11-23',
    });
    const text = readFileSync(path.join(dir, 'radarr.yaml'), 'utf8');
    expect(text).toContain('# Radarr leaks memory after large imports');
    expect(text).toContain('alertname: HighMemory # what matches an incoming alert');
    expect(text).toContain('action: kubectl_patch # an MCP tool');
    expect(text.indexOf('human_selected: 5')).toBeLessThan(text.indexOf('successes: 5'));
    expect(text).toContain('last_used: 2026-11-23');
    expect(readdirSync(dir)).toEqual(['radarr.yaml']); // no temporary file left behind
  });

  it('reloads when a file changes, and a new runbook gets its own id', async () => {
    const dir = folder({});
    store = createRunbookStore({ dir, logger: silentLogger() });
    await store.load();
    store.watch();
    writeFileSync(path.join(dir, 'radarr.yaml'), seed);
    await until('the new file loaded', () => store!.list().length === 1, 5_000);
    const base = store.get('radarr-memory-pressure-001')!;
    const created = await store.create({ ...base, id: 'radarr-memory-pressure-001' }, 'Learned from incident #7.');
    expect(created.id).toBe('radarr-memory-pressure-001-2');
    expect(readFileSync(path.join(dir, 'radarr-memory-pressure-001-2.yaml'), 'utf8')).toMatch(
      /^# Learned from incident #7\.\n/,
    );
  });
});
