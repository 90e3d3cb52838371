import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { runbookSchema, type Runbook } from '../../runbooks/runbook-schema.ts';

export interface RunbookProblem {
  file: string;
  line: number | undefined;
  message: string;
}

export interface RunbookFile {
  file: string;
  text: string;
  document: Document;
  runbook: Runbook;
}

/**
 * Every `*.yaml` / `*.yml` in `dir`, parsed and validated. A bad file is a problem with its path and
 * line, never an exception; a second file with a taken id is one too.
 */
export async function readRunbookFolder(dir: string): Promise<{ files: RunbookFile[]; problems: RunbookProblem[] }> {
  await mkdir(dir, { recursive: true });
  const names = (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name)).sort();
  const files: RunbookFile[] = [];
  const problems: RunbookProblem[] = [];
  const ids = new Map<string, string>();
  for (const name of names) {
    const file = path.join(dir, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      // Removed between the listing and the read (another writer's rename): not a problem.
      if ((error as { code?: string }).code === 'ENOENT') continue;
      throw error;
    }
    const parsed = parseRunbook(file, text);
    if ('message' in parsed) {
      problems.push(parsed);
      continue;
    }
    const taken = ids.get(parsed.runbook.id);
    if (taken) {
      problems.push({ file, line: undefined, message: `id ${parsed.runbook.id} is also used by ${taken}` });
      continue;
    }
    ids.set(parsed.runbook.id, file);
    files.push(parsed);
  }
  return { files, problems };
}

/** One runbook's text, parsed and validated; a problem says where it is wrong. */
export function parseRunbook(file: string, text: string): RunbookFile | RunbookProblem {
  const lines = new LineCounter();
  let document: Document;
  try {
    document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  } catch (error) {
    return { file, line: undefined, message: (error as Error).message };
  }
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    return { file, line: lines.linePos(first.pos[0]).line, message: first.message.split('\n')[0]! };
  }
  const parsed = runbookSchema.safeParse(document.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const node = document.getIn(issue.path as (string | number)[], true) as Node | undefined;
    const offset = node?.range?.[0] ?? document.contents?.range?.[0];
    return {
      file,
      line: offset === undefined ? undefined : lines.linePos(offset).line,
      message: `${issue.path.join('.') || '(top level)'}: ${issue.message}`,
    };
  }
  return { file, text, document, runbook: parsed.data };
}

/** Writes to a temporary file that is then renamed, so a reader never sees half a runbook. */
export async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, file);
}

/** Sets `key`, placing it right after `after` when it is new (where a reader looks for it), not at the end. */
export function setBeside(document: Document, after: string, key: string, value: string): void {
  const map = document.contents;
  const index = isMap(map) ? map.items.findIndex((pair) => isScalar(pair.key) && pair.key.value === after) : -1;
  if (document.has(key) || index < 0 || !isMap(map)) {
    document.set(key, value);
    return;
  }
  map.items.splice(index + 1, 0, document.createPair(key, value) as (typeof map.items)[number]);
}
