import { isCodePath } from '../assess/change-kind.js';
import { GitError } from '../errors.js';
import { mapLimit, unquotePath } from './blame.js';
import { JsonlCache } from './jsonl-cache.js';
import type { GitRunner } from './git-runner.js';

/**
 * SZZ (Śliwerski, Zimmermann, Zeller, MSR 2005): the commits that induced a fix are the ones that
 * wrote the code lines the fix deletes or changes. For each fix commit, the old side of its `-w -U0`
 * diff in code files is blamed at the fix's parent with `git blame -w`, limited to the hotfix window
 * (`--since`): lines older than the window come back on a boundary commit and are not counted.
 *
 * Blame is the cost (one git per file a fix changes); its answer for a fix commit never changes, so it
 * is cached under `<git-dir>/deployadvisor/`, one JSON line per fix, keyed by the window.
 */

export interface FixCommit {
  sha: string;
  /** Committer time, epoch ms. */
  at: number;
}

export interface SzzResult {
  /** Fix commit → the commits whose lines it changed (inside the window), oldest to newest not implied. */
  induced: Map<string, string[]>;
  /** Fix commits answered from the cache, and by running blame now. */
  cached: number;
  blamed: number;
  /** Files git could not blame (missing objects, a path that vanished): counted, never fatal. */
  failedFiles: number;
}

interface OldSide {
  path: string;
  /** [start, count] on the old side, count > 0. */
  ranges: Array<[number, number]>;
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@/;
const MARK = '\x01';

/** Parses `git log -p -U0` (format `%x01%H`) into each commit's deleted or changed old-side lines per file. */
export async function readOldSides(git: GitRunner, shas: readonly string[]): Promise<Map<string, OldSide[]>> {
  const out = new Map<string, OldSide[]>();
  if (shas.length === 0) return out;
  const args = [
    'log',
    '--no-walk=unsorted',
    '--stdin',
    '-p',
    '-U0',
    '-w',
    '-M',
    // Whatever diff.noprefix or diff.srcPrefix the user's config sets, old paths read `--- a/<path>`.
    '--src-prefix=a/',
    '--dst-prefix=b/',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    `--format=${MARK}%H`,
  ];
  let sides: OldSide[] = [];
  let file: OldSide | null = null;
  // Between `diff --git` and the first hunk: only there is `--- a/path` a header (a deleted SQL comment
  // line `-- x` reads `--- x` inside a hunk).
  let inHeader = false;
  for await (const line of git.stream(args, '\n', { input: `${shas.join('\n')}\n` })) {
    if (line.startsWith(MARK)) {
      sides = [];
      out.set(line.slice(1), sides);
      file = null;
      inHeader = false;
    } else if (line.startsWith('diff --git ')) {
      file = null;
      inHeader = true;
    } else if (inHeader && line.startsWith('--- ')) {
      const name = unquotePath(line.slice(4).replace(/\t$/, ''));
      file = null;
      if (name.startsWith('a/')) {
        const path = name.slice(2);
        if (isCodePath(path)) {
          file = { path, ranges: [] };
          sides.push(file);
        }
      }
    } else if (line.startsWith('@@')) {
      inHeader = false;
      if (file === null) continue;
      const hunk = HUNK.exec(line);
      const count = hunk?.[2] === undefined ? 1 : Number(hunk[2]);
      if (hunk !== null && count > 0) file.ranges.push([Number(hunk[1]), count]);
    }
  }
  for (const [sha, list] of out) {
    out.set(
      sha,
      list.filter((side) => side.ranges.length > 0),
    );
  }
  return out;
}

const BLAME_HEADER = /^([0-9a-f]{40,64}) \d+ \d+ \d+$/;

/** The non-boundary commits of `git blame --incremental` output. */
export function blamedCommits(text: string): string[] {
  const found = new Set<string>();
  const boundary = new Set<string>();
  let current: string | null = null;
  for (const line of text.split('\n')) {
    const header = BLAME_HEADER.exec(line);
    if (header !== null) {
      current = header[1] ?? null;
      if (current !== null) found.add(current);
    } else if (line === 'boundary' && current !== null) {
      boundary.add(current);
    }
  }
  return [...found].filter((sha) => !boundary.has(sha) && !/^0+$/.test(sha));
}

interface CacheEntry {
  fix: string;
  induced: string[];
}

function isEntry(entry: unknown): entry is CacheEntry {
  const e = entry as Partial<CacheEntry> | null;
  return (
    typeof e?.fix === 'string' &&
    Array.isArray(e.induced) &&
    e.induced.every((sha) => typeof sha === 'string')
  );
}

export interface SzzOptions {
  /** The hotfix window: only lines written at most this many days before the fix count. */
  days: number;
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

/** The commits each fix commit's changed lines came from, from the cache or from blame. */
export async function szzInduced(
  git: GitRunner,
  gitDir: string,
  fixes: readonly FixCommit[],
  options: SzzOptions,
): Promise<SzzResult> {
  const store = new JsonlCache<CacheEntry>(gitDir, `szz-v2-${options.days}d.jsonl`, (e) => e.fix, isEntry);
  const cache = await store.read();
  const induced = new Map<string, string[]>();
  const todo: FixCommit[] = [];
  for (const fix of fixes) {
    const known = cache.get(fix.sha);
    if (known === undefined) todo.push(fix);
    else induced.set(fix.sha, known.induced);
  }
  const result: SzzResult = { induced, cached: induced.size, blamed: 0, failedFiles: 0 };
  if (todo.length === 0) return result;

  const sides = await readOldSides(
    git,
    todo.map((fix) => fix.sha),
  );
  const fresh: CacheEntry[] = [];
  let done = 0;
  await mapLimit(todo, options.concurrency ?? 2, async (fix) => {
    const since = new Date(fix.at - options.days * 86_400_000).toISOString();
    let failed = 0;
    const shas = new Set<string>();
    for (const side of sides.get(fix.sha) ?? []) {
      const args = [
        'blame',
        '--incremental',
        '-w',
        '--no-textconv',
        '--ignore-revs-file=',
        `--since=${since}`,
      ];
      for (const [start, count] of side.ranges) args.push('-L', `${start},+${count}`);
      args.push(`${fix.sha}^`, '--', side.path);
      try {
        const { stdout } = await git.run(args);
        for (const sha of blamedCommits(stdout)) shas.add(sha);
      } catch (error) {
        if (!(error instanceof GitError)) throw error;
        result.failedFiles += 1;
        failed += 1;
      }
    }
    const list = [...shas].sort();
    induced.set(fix.sha, list);
    // An answer with a file git could not blame (a missing parent in a shallow clone) is not final.
    if (failed === 0) fresh.push({ fix: fix.sha, induced: list });
    result.blamed += 1;
    done += 1;
    options.onProgress?.(done, todo.length);
  });
  await store.append(fresh);
  return result;
}
