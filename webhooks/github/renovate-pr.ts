/**
 * What a Renovate pull request says, read from its title, branch and body
 * (../shared/specs/github-renovate.md §3–6). Pure: PR text is data, never instructions.
 */
export const updateTypes = [
  'major',
  'minor',
  'patch',
  'pin',
  'digest',
  'pinDigest',
  'lockFileMaintenance',
  'lockfileUpdate',
  'rollback',
  'bump',
  'replacement',
] as const;
export type UpdateType = (typeof updateTypes)[number];

export interface RenovateUpdate {
  /** As Renovate names it (`eslint`, `@types/node`, `lscr.io/linuxserver/sonarr`). */
  package: string;
  from: string;
  to: string;
  /** The `Type` column (depType), when the table has it. */
  depType?: string;
  updateType?: UpdateType;
}

export interface RenovateDetails {
  updates: RenovateUpdate[];
  /** The largest kind of change in the PR (major beats minor beats patch). */
  updateType: UpdateType | undefined;
  /** The "Release Notes" section without its HTML wrappers, cut to a readable size. */
  releaseNotes: string;
}

export interface RenovateRecognition {
  authors: readonly string[];
  branchPrefix: string;
}

const MAX_NOTES = 20_000;

/** Renovate's PRs come from its app account (or the account a self-hosted Renovate runs as) on `renovate/` branches. */
export function isRenovatePullRequest(
  pr: { author: string; headRef: string },
  recognition: RenovateRecognition,
): boolean {
  return (
    recognition.authors.some((author) => author.toLowerCase() === pr.author.toLowerCase()) ||
    pr.headRef.startsWith(recognition.branchPrefix)
  );
}

export function parseRenovatePullRequest(pr: { title: string; body: string | null; headRef: string }): RenovateDetails {
  const body = pr.body ?? '';
  const table = parseUpdateTable(body);
  const updates = table.length > 0 ? table : updateFromTitle(pr.title);
  return { updates, updateType: overallUpdateType(updates, pr.headRef, pr.title), releaseNotes: releaseNotes(body) };
}

/** `@&#8203;types/node` → `@types/node`; Markdown links → their text; backticks and escapes dropped. */
function cellText(cell: string): string {
  return cell
    .replace(/&#8203;|\u200b/g, '')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\\\|/g, '|')
    .trim();
}

/** Splits a Markdown table row on unescaped pipes. */
function splitRow(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim());
}

function parseUpdateTable(body: string): RenovateUpdate[] {
  const lines = body.split(/\r?\n/);
  const start = lines.findIndex((line) => /^\s*\|.*\bPackage\b.*\|/i.test(line));
  if (start < 0) return [];
  const headers = splitRow(lines[start]!).map((cell) => cellText(cell).toLowerCase());
  const column = (name: string) => headers.indexOf(name);
  const packageAt = column('package');
  const changeAt = column('change');
  if (packageAt < 0 || changeAt < 0) return [];
  const updates: RenovateUpdate[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.trim().startsWith('|')) break;
    const cells = splitRow(line);
    const name = packageName(cells[packageAt] ?? '');
    const change = parseChange(cells[changeAt] ?? '');
    if (!name || !change) continue;
    const depType = column('type') >= 0 ? cellText(cells[column('type')] ?? '') : '';
    const update = column('update') >= 0 ? cellText(cells[column('update')] ?? '') : '';
    updates.push({
      package: name,
      ...change,
      ...(depType ? { depType } : {}),
      ...(isUpdateType(update) ? { updateType: update } : {}),
    });
  }
  return updates;
}

/** The package cell is `[name](homepage) ([source](…), [changelog](…))`: the name is the first text. */
function packageName(cell: string): string {
  const linked = /^\[([^\]]+)\]/.exec(cell.trim());
  const text = cellText(linked ? linked[1]! : cell.replace(/\s*\(.*\)\s*$/, ''));
  return text.replace(/^`|`$/g, '');
}

/** `` `4.0.1` → `4.0.2` `` (current Renovate) or `` `a` -> `b` `` (older PRs). */
function parseChange(cell: string): { from: string; to: string } | undefined {
  const text = cell.replace(/&#8203;|\u200b/g, '');
  const match = /`([^`]+)`\s*(?:→|->|&rarr;)\s*`([^`]+)`/.exec(text) ?? /^\s*(\S+)\s*(?:→|->)\s*(\S+)\s*$/.exec(text);
  return match ? { from: match[1]!.trim(), to: match[2]!.trim() } : undefined;
}

/** Without a table (an empty body, a custom template) the default title still names the update. */
function updateFromTitle(title: string): RenovateUpdate[] {
  const match = /\bupdate (?:dependency |docker tag |module |helm release |image )?(\S+) to (\S+)/i.exec(title);
  if (!match) return [];
  return [{ package: match[1]!.replace(/&#8203;|\u200b/g, ''), from: '', to: match[2]!.replace(/[()]/g, '') }];
}

const rank: Partial<Record<UpdateType, number>> = {
  major: 3,
  minor: 2,
  patch: 1,
  digest: 0,
  pin: 0,
  pinDigest: 0,
  lockFileMaintenance: 0,
};

/** In the spec's order of reliability: the Update column, the branch, the title, then the versions. */
function overallUpdateType(updates: RenovateUpdate[], headRef: string, title: string): UpdateType | undefined {
  const fromColumn = updates
    .map((update) => update.updateType)
    .filter((type): type is UpdateType => type !== undefined);
  if (fromColumn.length > 0) return highest(fromColumn);
  const branch = /^[^/]+\/(major|patch|minor)-/.exec(headRef)?.[1];
  if (branch) return branch as UpdateType;
  if (/^[^/]+\/lock-file-maintenance/.test(headRef)) return 'lockFileMaintenance';
  if (/\bto v\d+$/i.test(title.trim()) || /\(major\)\s*$/i.test(title)) return 'major';
  const compared = updates
    .map((update) => compareVersions(update.from, update.to))
    .filter((type): type is UpdateType => type !== undefined);
  return compared.length > 0 ? highest(compared) : undefined;
}

function highest(types: UpdateType[]): UpdateType {
  return types.reduce((best, type) => ((rank[type] ?? 0) > (rank[best] ?? 0) ? type : best));
}

function compareVersions(from: string, to: string): UpdateType | undefined {
  const parts = (version: string) =>
    /(\d+)(?:\.(\d+))?(?:\.(\d+))?/
      .exec(version.replace(/^[\^~v=<>]+/, ''))
      ?.slice(1, 4)
      .map((part) => Number(part ?? 0));
  const a = parts(from);
  const b = parts(to);
  if (!a || !b) return undefined;
  if (a[0] !== b[0]) return 'major';
  if (a[1] !== b[1]) return 'minor';
  return 'patch';
}

function isUpdateType(value: string): value is UpdateType {
  return (updateTypes as readonly string[]).includes(value);
}

/** From `### Release Notes` to the next section (`### Configuration`, the controls, the footer). */
function releaseNotes(body: string): string {
  const start = body.search(/^#{2,3} Release Notes\s*$/m);
  if (start < 0) return '';
  const rest = body.slice(start).replace(/^#{2,3} Release Notes\s*$/m, '');
  const end = rest.search(/^(?:---\s*$\s*)?#{2,3} Configuration\s*$|^ - \[ \] <!-- rebase-check -->/m);
  const section = (end < 0 ? rest : rest.slice(0, end))
    .replace(/<\/?details>|<\/?summary>/g, '')
    .replace(/&#8203;/g, '')
    .replace(/^---\s*$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return section.length > MAX_NOTES ? `${section.slice(0, MAX_NOTES)}\n…(cut)` : section;
}
