import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/service-process.ts';

/** Every TypeScript source file of the program (not tests), with its path from the repository root. */
function sources(): { file: string; text: string }[] {
  const found: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(path.join(repoRoot, dir))) {
      const relative = path.join(dir, name);
      if (statSync(path.join(repoRoot, relative)).isDirectory()) walk(relative);
      else if (name.endsWith('.ts'))
        found.push({ file: relative, text: readFileSync(path.join(repoRoot, relative), 'utf8') });
    }
  };
  for (const top of ['bot', 'graphs', 'runbooks', 'notifiers', 'webhooks']) walk(top);
  return found;
}

describe('house rules the linter cannot see', () => {
  it('writes each table from one repository module: the one of its table or aggregate', () => {
    // Two writes outside the table's own module, each on purpose: the exactly-once action claim is a
    // named function of its own, and intake's repeat path stores a delivery and touches its incident
    // in one statement (measured: it is most of the intake's traffic).
    const allowed = new Set([
      'actions bot/db/repositories/action-claim.ts',
      'incidents bot/db/repositories/deliveries.ts',
    ]);
    const write = /\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([a-z_]+)\b/g;
    const writers = new Map<string, Set<string>>();
    for (const { file, text } of sources().filter(({ file }) => file.startsWith('bot/db/repositories/')))
      for (const [, table] of text.matchAll(write))
        if (!allowed.has(`${table} ${file}`)) writers.set(table!, (writers.get(table!) ?? new Set()).add(file));
    expect(writers.get('incidents')).toEqual(new Set(['bot/db/repositories/incidents.ts']));
    expect(
      [...writers].filter(([, files]) => files.size > 1).map(([table, files]) => `${table}: ${[...files].join(', ')}`),
    ).toEqual([]);
  });

  it('has one backoff formula (graphs/backoff.ts) and one duration parser (graphs/durations.ts)', () => {
    const exponential = sources().filter(({ file, text }) => file !== 'graphs/backoff.ts' && /\b2 \*\* /.test(text));
    expect(exponential.map(({ file }) => file)).toEqual([]);
    const durationUnits = sources().filter(
      ({ file, text }) =>
        file !== 'graphs/durations.ts' && /\((?:ms\|)?s\|m\|h\|d|\[smhdw\]|\[mhdw\]|\bwk\b.*\bweeks?\b/.test(text),
    );
    expect(durationUnits.map(({ file }) => file)).toEqual([]);
  });

  it('keeps every table statement in bot/db/repositories/, one module per table or aggregate', () => {
    // Outside the repositories only the plumbing may speak SQL: migrations, the health probe, the
    // coordination store's own tables, the embedded server's setup, and transaction control.
    const plumbing = new Set(['bot/db/migrate.ts', 'bot/db/embedded-postgres.ts', 'bot/coordination/postgres.ts']);
    const statement = /\b(?:SELECT\s+(?!1['`])[\w*(]|INSERT\s+INTO\b|UPDATE\s+\w+\s+(?:\w+\s+)?SET\b|DELETE\s+FROM\b)/;
    const offenders = sources().filter(
      ({ file, text }) => !file.startsWith('bot/db/repositories/') && !plumbing.has(file) && statement.test(text),
    );
    expect(offenders.map(({ file }) => file)).toEqual([]);
  });

  it('keeps chat text in graphs/: no file of bot/ writes an emoji outside its comments', () => {
    // The emoji mark Steward's messages ("✅ #12 resolved", "⚠️ … is down"), so a message built in bot/
    // shows one. Comments may name them. The reply grammar and the inbound router read 👍 as a reaction
    // (input, not a message); the demo and the CLI write to a terminal.
    const reads = new Map([
      ['bot/commands/parse-reply.ts', '👍'],
      ['bot/chat/inbound-router.ts', '👍'],
    ]);
    const offenders = sources()
      .filter(({ file }) => file.startsWith('bot/') && !file.startsWith('bot/demo/') && !file.startsWith('bot/cli/'))
      .flatMap(({ file, text }) => {
        const emoji = withoutComments(text).match(/\p{Extended_Pictographic}/gu) ?? [];
        const written = emoji.filter((character) => character !== reads.get(file));
        return written.length > 0 ? [`${file}: ${[...new Set(written)].join(' ')}`] : [];
      });
    expect(offenders).toEqual([]);
  });

  it('keeps chat sentences in graphs/: no file of bot/ writes one, outside what speaks to models and agents', () => {
    // A sentence is a string that starts with a capital letter and ends with . ! or ?: chat text,
    // unless it is read by a model (prompts, tool results in bot/llm/, bot/investigation/, bot/mcp/)
    // or an agent (bot/mcp-server/'s tool descriptions). The demo and the CLI write to a terminal.
    const speaksToModels = ['bot/llm/', 'bot/investigation/', 'bot/mcp/', 'bot/mcp-server/', 'bot/demo/', 'bot/cli/'];
    const prompts = new Set(['bot/pull-requests/assess-pull-request.ts']);
    const sentence = /[`'"][A-Z][^`'"\n]*[.!?][`'"]/g;
    const offenders = sources()
      .filter(({ file }) => file.startsWith('bot/') && !speaksToModels.some((dir) => file.startsWith(dir)))
      .filter(({ file }) => !prompts.has(file))
      .flatMap(({ file, text }) => (withoutComments(text).match(sentence) ?? []).map((found) => `${file}: ${found}`));
    expect(offenders).toEqual([]);
  });
});

/** Source text without its block and line comments (`//` after a space or at a line's start, so not `https://`). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
}
