import type { CoverageFormat } from './types.js';
import { readBlobs } from '../git-facts.js';
import type { GitRunner } from '../git-runner.js';

/*
 * What the target commit says about a coverage report: which files it tracks and how many lines they
 * have, when it was committed, its Go module, and so whether a report was made for it.
 */

export async function trackedFiles(git: GitRunner, sha: string) {
  const files = new Set<string>();
  const symlinks = new Set<string>();
  /** Blob id of each file, to count its lines at the target. */
  const blobs = new Map<string, string>();
  for await (const entry of git.stream(
    ['ls-tree', '-r', '-z', '--full-tree', '--end-of-options', sha],
    '\0',
  )) {
    const tab = entry.indexOf('\t');
    if (tab === -1) continue;
    const mode = entry.slice(0, 6);
    const path = entry.slice(tab + 1);
    if (mode === '120000') symlinks.add(path);
    else if (mode.startsWith('100')) {
      files.add(path);
      blobs.set(path, entry.slice(0, tab).split(' ')[2] ?? '');
    }
  }
  return { files, symlinks, blobs };
}

/** Line counts at the target of the files asked for (null for a blob too large to read). */
export async function lineCountsOf(
  git: GitRunner,
  blobs: ReadonlyMap<string, string>,
  paths: Iterable<string>,
  cache: Map<string, number | null>,
): Promise<void> {
  const wanted = [...paths].filter((path) => !cache.has(path) && blobs.has(path));
  const texts = await readBlobs(git, [...new Set(wanted.map((path) => blobs.get(path) ?? ''))]);
  for (const path of wanted) {
    const text = texts.get(blobs.get(path) ?? '') ?? null;
    if (text === null) {
      cache.set(path, null);
      continue;
    }
    let lines = 0;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines += 1;
    cache.set(path, text.length > 0 && !text.endsWith('\n') ? lines + 1 : lines);
  }
}

/**
 * A report made for another commit: one that measures a line past the end of a changed file at the
 * target (it measured another version of it), or an XML report whose own timestamp (Cobertura
 * `timestamp`, JaCoCo `sessioninfo dump`, Clover `generated`) is older than the target commit, which it
 * cannot have tested. Returns why, or null.
 */
export function staleReason(
  staged: ReadonlyMap<string, ReadonlyMap<number, number>>,
  lineCounts: ReadonlyMap<string, number | null>,
  generatedAt: number | null,
  target: { sha: string; committedAt: number },
): string | null {
  for (const [path, lines] of [...staged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const count = lineCounts.get(path);
    if (count === undefined || count === null) continue;
    let last = 0;
    for (const line of lines.keys()) if (line > last) last = line;
    if (last > count)
      return `it measures ${path} line ${last}, but that file has ${count} line(s) at the target ${target.sha.slice(0, 12)}: it was made from another version of the code`;
  }
  if (generatedAt !== null && generatedAt + CLOCK_SKEW_MS < target.committedAt) {
    return `it was generated at ${new Date(generatedAt).toISOString()}, before the target ${target.sha.slice(0, 12)} was committed (${new Date(target.committedAt).toISOString()}), so it did not test it`;
  }
  return null;
}

/** Clocks of CI runners and laptops disagree a little; a report this much "older" is still trusted. */
const CLOCK_SKEW_MS = 10 * 60 * 1000;

/** The generation time an XML report states in its first bytes, in epoch ms (seconds are scaled). */
export function reportTimestamp(head: string, format: CoverageFormat): number | null {
  const pattern =
    format === 'cobertura'
      ? /<coverage\b[^>]*\stimestamp="(\d+)"/
      : format === 'jacoco'
        ? /<sessioninfo\b[^>]*\sdump="(\d+)"/
        : format === 'clover'
          ? /<coverage\b[^>]*\sgenerated="(\d+)"/
          : null;
  const digits = pattern === null ? undefined : pattern.exec(head)?.[1];
  if (digits === undefined) return null;
  const value = Number(digits);
  // Cobertura from coverage.py and others writes milliseconds; a 10-digit value is seconds.
  const ms = value < 1e11 ? value * 1000 : value;
  // Placeholders such as generated="1" say nothing about when the report was made.
  return ms >= Date.UTC(2000, 0, 1) ? ms : null;
}

export async function commitTime(git: GitRunner, sha: string): Promise<number> {
  const { stdout } = await git.run(['show', '-s', '--format=%ct', '--end-of-options', sha]);
  return Number(stdout.trim()) * 1000;
}

export async function goModule(git: GitRunner, sha: string): Promise<string | null> {
  const { stdout, exitCode } = await git.run(['cat-file', '-p', `${sha}:go.mod`], { okExitCodes: [0, 128] });
  if (exitCode !== 0) return null;
  return /^module\s+(\S+)/m.exec(stdout)?.[1] ?? null;
}
