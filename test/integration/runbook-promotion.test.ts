import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPromotion, promotionRequest, type PromotionRequest } from '../../bot/cli/runbook-promotion.ts';
import { createAuditLog } from '../../bot/db/repositories/audit-log.ts';
import { createRunbookStore } from '../../bot/runbooks/runbook-store.ts';
import { useMigratedDatabase } from '../helpers/databases.ts';
import { repoRoot } from '../helpers/service-process.ts';
import { silentLogger } from '../helpers/silent-logger.ts';

/** A copy of the examples and a store on it, loaded. */
async function examples() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'steward-promotion-'));
  cpSync(path.join(repoRoot, 'runbooks/examples'), dir, { recursive: true });
  const store = createRunbookStore({ dir, logger: silentLogger() });
  await store.load();
  return { dir, store, file: (name: string) => readFileSync(path.join(dir, `${name}.yaml`), 'utf8') };
}

function change(request: PromotionRequest): Extract<PromotionRequest, { kind: 'change' }> {
  if (request.kind !== 'change') throw new Error(`expected a change, got ${request.kind}: ${request.message}`);
  return request;
}

/** The file and the audit log move together: the file written and the entry committed, or neither. */
describe('runbook promotion from the command line', { timeout: 60_000 }, () => {
  const database = useMigratedDatabase();
  const entries = () => createAuditLog(database.pool).list({ subject: 'runbook:*' });

  it('leaves no audit entry when the file cannot be written', async () => {
    const { dir, store, file } = await examples();
    const before = (await entries()).length;
    const original = file('pod-crash-loop');
    // A directory where the file was: the rename over it fails.
    rmSync(path.join(dir, 'pod-crash-loop.yaml'));
    mkdirSync(path.join(dir, 'pod-crash-loop.yaml', 'in-the-way'), { recursive: true });
    const request = change(promotionRequest(store.get('pod-crash-loop')!, 'promote', undefined));
    await expect(
      applyPromotion(request, { pool: database.pool, store, autonomyMode: 'selective', actor: 'owner', out: () => {} }),
    ).rejects.toThrow();
    expect((await entries()).length).toBe(before);
    // What the store holds for the flow is what it held before.
    expect(store.get('pod-crash-loop')).toMatchObject({ automation_level: 'ask_human' });
    expect(store.get('pod-crash-loop')!.promoted_solution).toBeUndefined();
    expect(original).toContain('automation_level: ask_human');
  });

  it('puts the file back when the audit entry cannot be committed', async () => {
    const { store, file } = await examples();
    // A deferred check fails at COMMIT, after the insert and the file write succeeded.
    await database.pool.query(`
      CREATE FUNCTION refuse_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.subject = 'runbook:nas-disk-filling-up' THEN RAISE EXCEPTION 'refused at commit'; END IF; RETURN NEW; END $$;
      CREATE CONSTRAINT TRIGGER refuse_commit AFTER INSERT ON audit_log DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_commit();`);
    try {
      const before = file('disk-filling-up');
      const request = change(promotionRequest(store.get('nas-disk-filling-up')!, 'promote', 'expand_volume'));
      await expect(
        applyPromotion(request, {
          pool: database.pool,
          store,
          autonomyMode: 'selective',
          actor: 'owner',
          out: () => {},
        }),
      ).rejects.toThrow(/refused at commit/);
      expect(file('disk-filling-up')).toBe(before);
      expect(store.get('nas-disk-filling-up')).toMatchObject({ automation_level: 'ask_human' });
      expect(await createAuditLog(database.pool).list({ subject: 'runbook:nas-disk-filling-up' })).toEqual([]);
    } finally {
      await database.pool.query('DROP TRIGGER refuse_commit ON audit_log; DROP FUNCTION refuse_commit();');
    }
  });

  it('a refused solution leaves the runbook in memory as the file has it', async () => {
    const { store, file } = await examples();
    await expect(store.setAutomationLevel('pod-crash-loop', 'auto_notify', 'reboot')).rejects.toThrow(
      /promoted_solution/,
    );
    expect(store.get('pod-crash-loop')).toMatchObject({ automation_level: 'ask_human' });
    await store.setAutomationLevel('pod-crash-loop', 'auto_notify', 'restart_pod');
    // Placed beside automation_level, and forgotten on demotion (the flow's demote does the same call).
    expect(file('pod-crash-loop')).toMatch(/^automation_level: auto_notify\npromoted_solution: restart_pod\n/m);
    await store.setAutomationLevel('pod-crash-loop', 'ask_human');
    expect(file('pod-crash-loop')).not.toContain('promoted_solution');
  });

  it('says which mode still asks', async () => {
    const { store } = await examples();
    const said: string[] = [];
    await applyPromotion(change(promotionRequest(store.get('pod-crash-loop')!, 'promote', 'restart_pod')), {
      pool: database.pool,
      store,
      autonomyMode: 'mature',
      actor: 'owner',
      out: (text) => said.push(text),
    });
    expect(said).toEqual([
      'pod-crash-loop: automation_level auto_notify (restart_pod runs on its own where AUTONOMY_MODE allows its blast radius)\n',
    ]);
  });
});
