import type { CommitFacts, FileChange, Trailer } from '../assess/facts.js';
import type { GitRunner } from './git-runner.js';

const RS = '\x1e';
const US = '\x1f';
/** sha, parents, author name/email/date, committer name/email/date, raw message. */
export const LOG_FORMAT = `${RS}%H${US}%P${US}%an${US}%ae${US}%aI${US}%cn${US}%ce${US}%cI${US}%B${US}`;

const TRAILER_LINE = /^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(\S.*)$/;

/** Every `Key: value` line after the subject. Squash merges put trailers mid-body, so all lines count. */
export function parseTrailers(body: string): Trailer[] {
  const trailers: Trailer[] = [];
  for (const raw of body.split('\n')) {
    const match = TRAILER_LINE.exec(raw.trimEnd());
    if (match?.[1] !== undefined && match[2] !== undefined) {
      // Prose such as "Note: see below" lands here too; readers look up only the keys they know.
      trailers.push({ key: match[1], value: match[2].trim() });
    }
  }
  return trailers;
}

/**
 * Git keeps whatever offset a commit was written with, and real histories hold broken ones
 * (`2011-09-08T02:38:50+518:00` in psf/requests): such a date is read as UTC wall time, so no later
 * `Date.parse` sees NaN.
 */
export function saneDate(iso: string): string {
  if (!Number.isNaN(Date.parse(iso))) return iso;
  const wall = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})/.exec(iso)?.[1];
  return wall === undefined ? '1970-01-01T00:00:00Z' : `${wall}Z`;
}

function parseHeader(token: string): CommitFacts {
  const fields = token.slice(1).split(US);
  const [sha = '', parents = '', an = '', ae = '', ad = '', cn = '', ce = '', cd = ''] = fields;
  const message = fields.slice(8, -1).join(US).replace(/\n+$/, '');
  const newline = message.indexOf('\n');
  const subject = newline === -1 ? message : message.slice(0, newline);
  const body = newline === -1 ? '' : message.slice(newline + 1).replace(/^\n+/, '');
  return {
    sha,
    parents: parents === '' ? [] : parents.split(' '),
    author: { name: an, email: ae, date: saneDate(ad) },
    committer: { name: cn, email: ce, date: saneDate(cd) },
    subject,
    body,
    trailers: parseTrailers(body),
    files: [],
  };
}

function count(text: string): number | null {
  return text === '-' ? null : Number(text);
}

/**
 * Parses `git log -z --numstat --format=LOG_FORMAT` as a stream of NUL-separated tokens. A rename is
 * `added\tdeleted\t` followed by two tokens, the old and the new path. `--raw --no-renames` output is
 * understood too (paths without line counts).
 */
export async function* parseLog(batches: AsyncIterable<readonly string[]>): AsyncGenerator<CommitFacts> {
  let current: CommitFacts | undefined;
  let rename: { added: number | null; deleted: number | null; oldPath?: string } | undefined;
  let rawPath = false;
  for await (const batch of batches)
    for (const raw of batch) {
      if (rename !== undefined) {
        if (rename.oldPath === undefined) {
          rename.oldPath = raw;
        } else {
          current?.files.push({
            path: raw,
            oldPath: rename.oldPath,
            added: rename.added,
            deleted: rename.deleted,
          });
          rename = undefined;
        }
        continue;
      }
      const token = raw.startsWith('\n') ? raw.slice(1) : raw;
      if (token.startsWith(RS)) {
        if (current !== undefined) yield current;
        current = parseHeader(token);
        continue;
      }
      if (token === '' || current === undefined) continue;
      // `--raw` (tree diffs only, no file contents): `:mode mode sha sha S`, then the path. Line counts
      // are unknown, so they stay null, as for a binary file.
      if (token.startsWith(':')) {
        rawPath = true;
        continue;
      }
      if (rawPath) {
        rawPath = false;
        current.files.push({ path: token, added: null, deleted: null });
        continue;
      }
      const first = token.indexOf('\t');
      const second = token.indexOf('\t', first + 1);
      if (first === -1 || second === -1) continue;
      const added = count(token.slice(0, first));
      const deleted = count(token.slice(first + 1, second));
      const path = token.slice(second + 1);
      if (path === '') rename = { added, deleted };
      else current.files.push({ path, added, deleted } satisfies FileChange);
    }
  if (current !== undefined) yield current;
}

/** Reads the commits of a range (`base..target`, or everything reachable from target when base is null). */
export async function readCommits(
  git: GitRunner,
  base: string | null,
  target: string,
  options: { maxCount?: number } = {},
): Promise<CommitFacts[]> {
  const args = ['log', '-z', '--numstat', '-M', '--no-ext-diff', '--no-textconv', `--format=${LOG_FORMAT}`];
  if (options.maxCount !== undefined) args.push(`--max-count=${options.maxCount}`);
  args.push('--end-of-options', base === null ? target : `${base}..${target}`, '--');
  const commits: CommitFacts[] = [];
  for await (const commit of parseLog(git.batches(args, '\0'))) commits.push(commit);
  return commits;
}
