// Release bookkeeping (docs/releasing.md), run in the repository's root:
//   node scripts/release.mjs version [--git-add]   npm's `version` script: after `npm version <x.y.z>` has
//       bumped package.json, moves CHANGELOG.md's Unreleased entries under the new version with
//       today's date, and sets the same version as the image's default VERSION (Dockerfile) and the
//       Kubernetes image tag; with --git-add, stages them for npm's version commit.
//   node scripts/release.mjs notes <tag>   the release workflow's check: the tag is v<package.json's
//       version>, the changelog has that version's section with a date and entries, and the
//       Dockerfile and Kubernetes image agree; prints the section (the release notes).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FILES = {
  changelog: 'CHANGELOG.md',
  dockerfile: 'Dockerfile',
  kustomization: 'deploy/kubernetes/base/kustomization.yaml',
};
const SECTION = /^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?[ \t]*$/gm;

/**
 * The changelog's `## [name] - date` headings, with where each section's body starts and ends.
 * @param {string} text
 * @returns {{ name: string; date: string | undefined; heading: number; body: number; end: number }[]}
 */
function sections(text) {
  const found = [...text.matchAll(SECTION)].map((match) => ({
    name: match[1] ?? '',
    date: match[2],
    heading: match.index,
    body: match.index + match[0].length,
  }));
  return found.map((section, index) => ({ ...section, end: found[index + 1]?.heading ?? text.length }));
}

/**
 * The entries of `version`'s section, or an Error saying what is missing.
 * @param {string} changelog
 * @param {string} version
 * @returns {string | Error}
 */
export function releaseNotes(changelog, version) {
  const section = sections(changelog).find((candidate) => candidate.name === version);
  if (!section) return new Error(`CHANGELOG.md has no "## [${version}] - YYYY-MM-DD" section`);
  if (!section.date) return new Error(`CHANGELOG.md's section for ${version} has no date`);
  const notes = changelog.slice(section.body, section.end).trim();
  return notes ? notes : new Error(`CHANGELOG.md's section for ${version} is empty`);
}

/**
 * Moves the Unreleased entries under `## [version] - date`, leaving an empty Unreleased above it.
 * @param {string} changelog
 * @param {string} version
 * @param {string} date
 * @returns {string | Error}
 */
export function cutRelease(changelog, version, date) {
  const all = sections(changelog);
  const unreleased = all.find((section) => section.name === 'Unreleased');
  if (!unreleased) return new Error('CHANGELOG.md has no "## [Unreleased]" section');
  if (all.some((section) => section.name === version))
    return new Error(`CHANGELOG.md already has a section for ${version}`);
  const entries = changelog.slice(unreleased.body, unreleased.end).trim();
  if (!entries) return new Error('CHANGELOG.md has nothing under Unreleased to release');
  return `${changelog.slice(0, unreleased.body)}\n\n## [${version}] - ${date}\n\n${entries}\n\n${changelog.slice(unreleased.end).replace(/^\n+/, '')}`;
}

/**
 * The image version the Dockerfile defaults to and the tag Kubernetes pulls.
 * @param {string} dockerfile
 * @param {string} kustomization
 */
export function imageVersions(dockerfile, kustomization) {
  return {
    dockerfile: /^ARG VERSION=(\S+)$/m.exec(dockerfile)?.[1],
    kubernetes: /^ {4}newTag: "?([^"\s]+)"?$/m.exec(kustomization)?.[1],
  };
}

/**
 * @param {string} dockerfile
 * @param {string} kustomization
 * @param {string} version
 */
export function setImageVersion(dockerfile, kustomization, version) {
  return {
    dockerfile: dockerfile.replace(/^ARG VERSION=\S+$/m, `ARG VERSION=${version}`),
    kustomization: kustomization.replace(/^( {4}newTag: )"?[^"\s]+"?$/m, `$1"${version}"`),
  };
}

/** @param {string[]} args */
function main([command, argument]) {
  const root = process.cwd();
  /** @param {string} file */
  const read = (file) => readFileSync(path.join(root, file), 'utf8');
  // package.json's top-level version (the first "version" key: npm writes it before any nested one).
  const version = /^ {2}"version": "([^"]+)"/m.exec(read('package.json'))?.[1] ?? '(none)';
  if (command === 'notes') {
    const problems = [];
    if (argument !== `v${version}`)
      problems.push(`the tag ${argument ?? '(none)'} is not v${version}, package.json's version`);
    const notes = releaseNotes(read(FILES.changelog), version);
    if (notes instanceof Error) problems.push(notes.message);
    const images = imageVersions(read(FILES.dockerfile), read(FILES.kustomization));
    if (images.dockerfile !== version)
      problems.push(`the Dockerfile's ARG VERSION is ${images.dockerfile}, not ${version}`);
    if (images.kubernetes !== version)
      problems.push(`${FILES.kustomization} pulls ${images.kubernetes}, not ${version}`);
    if (problems.length > 0) throw new Error(problems.join('\n'));
    process.stdout.write(`${notes}\n`);
    return;
  }
  if (command === 'version') {
    const cut = cutRelease(read(FILES.changelog), version, new Date().toISOString().slice(0, 10));
    if (cut instanceof Error) throw cut;
    const images = setImageVersion(read(FILES.dockerfile), read(FILES.kustomization), version);
    writeFileSync(path.join(root, FILES.changelog), cut);
    writeFileSync(path.join(root, FILES.dockerfile), images.dockerfile);
    writeFileSync(path.join(root, FILES.kustomization), images.kustomization);
    if (argument === '--git-add')
      execFileSync('git', ['add', ...Object.values(FILES)], { cwd: root, stdio: 'inherit' });
    process.stdout.write(`CHANGELOG.md, the Dockerfile and the Kubernetes image now say ${version}\n`);
    return;
  }
  throw new Error('usage: node scripts/release.mjs version [--git-add] | notes <tag>');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`release: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
