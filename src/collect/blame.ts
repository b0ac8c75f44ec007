import type { BlameOutcome, BlameRun } from '../assess/lineage-types.js';
import { GitError } from '../errors.js';
import type { GitRunner } from './git-runner.js';

const HEADER = /^([0-9a-f]{40,64}) (\d+) (\d+) (\d+)$/;
const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/** Undoes git's C-style quoting of a path (`"dir/a\tb"`, octal escapes for bytes); others pass through. */
export function unquotePath(text: string): string {
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return text;
  const bytes: number[] = [];
  const body = text.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] ?? '';
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = body[i + 1] ?? '';
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1, i + 4))?.[0];
    if (octal !== undefined) {
      bytes.push(parseInt(octal, 8));
      i += 3;
    } else {
      bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Parses `git blame --incremental`: a `<sha> <orig-line> <final-line> <count>` header, commit details
 * (printed the first time a commit appears), and a `filename <path>` line that ends each run.
 */
export function parseIncrementalBlame(text: string): BlameRun[] {
  const runs: BlameRun[] = [];
  let pending: Omit<BlameRun, 'origPath'> | null = null;
  for (const line of text.split('\n')) {
    const header = HEADER.exec(line);
    if (header !== null) {
      pending = {
        sha: header[1] ?? '',
        origStart: Number(header[2]),
        finalStart: Number(header[3]),
        count: Number(header[4]),
      };
      continue;
    }
    if (pending !== null && line.startsWith('filename ')) {
      runs.push({ ...pending, origPath: unquotePath(line.slice('filename '.length)) });
      pending = null;
    }
  }
  return runs.sort((a, b) => a.finalStart - b.finalStart);
}

/** Runs `work` over `items`, at most `limit` at a time, keeping the input order in the result. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Blames each path at `target`, limited to `base..target` (lines older than the range come back under
 * the boundary commit). One git per file, `concurrency` at a time. A file git cannot blame is an outcome,
 * not an exception.
 */
export async function blameFiles(
  git: GitRunner,
  base: string | null,
  target: string,
  paths: readonly string[],
  concurrency = 4,
): Promise<BlameOutcome[]> {
  const revs = base === null ? target : `${base}..${target}`;
  return mapLimit(paths, concurrency, async (path): Promise<BlameOutcome> => {
    try {
      // A blame.ignoreRevsFile in the repository's config would move lines to other commits (or fail
      // when the file is missing): the empty value clears it.
      const { stdout } = await git.run([
        'blame',
        '--incremental',
        '--no-textconv',
        '--ignore-revs-file=',
        revs,
        '--',
        path,
      ]);
      return { status: 'ok', path, runs: parseIncrementalBlame(stdout) };
    } catch (error) {
      if (!(error instanceof GitError)) throw error;
      return { status: 'failed', path, reason: error.message };
    }
  });
}
