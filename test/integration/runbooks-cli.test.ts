import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/service-process.ts';

/** `steward runbooks …` as the owner types it, against a copy of the shipped examples. */
function steward(dir: string, ...args: string[]): { code: number; out: string } {
  try {
    const out = execFileSync(process.execPath, [path.join(repoRoot, 'bot/cli/steward.mjs'), 'runbooks', ...args], { env: { PATH: process.env.PATH, RUNBOOK_DIR: dir }, encoding: 'utf8' });
    return { code: 0, out };
  } catch (error) {
    const failed = error as { status: number; stdout: string };
    return { code: failed.status, out: failed.stdout };
  }
}

describe('steward runbooks', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'steward-cli-runbooks-'));
  cpSync(path.join(repoRoot, 'runbooks/examples'), dir, { recursive: true });

  it('lists, shows and validates the examples', () => {
    const listed = steward(dir, 'list');
    expect(listed.code).toBe(0);
    expect(listed.out).toContain('radarr-memory-pressure-001  ask_human  HighMemory  increase_memory 4/4');
    expect(listed.out.trim().split('\n')).toHaveLength(5);
    expect(steward(dir, 'show', 'pod-crash-loop').out).toContain('action: k8s.restart_pod');
    expect(steward(dir, 'validate')).toEqual({ code: 0, out: `5 runbook(s) valid in ${dir}\n` });
  });

  it('promotes and demotes, and refuses what does not exist', () => {
    expect(steward(dir, 'promote', 'pod-crash-loop', 'restart_pod')).toEqual({ code: 0, out: 'pod-crash-loop: automation_level auto_notify\n' });
    expect(readFileSync(path.join(dir, 'pod-crash-loop.yaml'), 'utf8')).toContain('automation_level: auto_notify');
    expect(steward(dir, 'demote', 'pod-crash-loop')).toEqual({ code: 0, out: 'pod-crash-loop: automation_level ask_human\n' });
    expect(steward(dir, 'promote', 'pod-crash-loop', 'reboot')).toMatchObject({ code: 1, out: 'runbook pod-crash-loop has no solution reboot (it has restart_pod)\n' });
    expect(steward(dir, 'show', 'nope')).toEqual({ code: 1, out: 'no runbook nope\n' });
  });

  it('names the file and line of an invalid runbook and exits 1', () => {
    writeFileSync(path.join(dir, 'broken.yaml'), 'id: broken\ncreated: 2026-01-01\ntrigger: { alertname: X }\nsolutions: []\n');
    const result = steward(dir, 'validate');
    expect(result.code).toBe(1);
    expect(result.out).toContain(`${path.join(dir, 'broken.yaml')}:4: solutions: `);
  });
});
