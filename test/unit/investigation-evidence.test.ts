import { describe, expect, it } from 'vitest';
import { firstLine, keptText, toolCallKey } from '../../bot/investigation/evidence.ts';

describe('evidence as Steward keeps it', () => {
  it('masks secrets before anything is stored or posted, and caps the length', () => {
    const kept = keptText('level=error msg="auth failed" DB_PASSWORD=Imm1ch-DB-pw host=immich-postgres', 500);
    expect(kept).not.toContain('Imm1ch-DB-pw');
    expect(kept).toContain('‹secret›');
    expect(kept).toContain('host=immich-postgres');
    expect(keptText('x'.repeat(300), 100)).toHaveLength(100);
  });

  it('knows the same call by its tool and arguments, whatever their order', () => {
    expect(toolCallKey('list_pods', { namespace: 'media', all: true })).toBe(
      toolCallKey('list_pods', { all: true, namespace: 'media' }),
    );
    expect(toolCallKey('list_pods', { namespace: 'media' })).not.toBe(toolCallKey('list_pods', { namespace: 'apps' }));
  });

  it('quotes the first line that says something', () => {
    expect(firstLine('\n{\n  "status": "Degraded"\n}')).toBe('"status": "Degraded"');
  });
});
