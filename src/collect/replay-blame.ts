import type { BlameOutcome, BlameRun } from '../assess/lineage-types.js';
import { mapLimit, parseIncrementalBlame, unquotePath } from './blame.js';
import { GitError } from '../errors.js';
import type { GitRunner } from './git-runner.js';

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;
/** Starts each commit's record in the log: no patch line starts with this byte. */
const COMMIT_MARK = '\x01';

/** A run of lines one commit inserted: who, under which path, from which of its lines. */
interface Insertion {
  sha: string;
  origPath: string;
  origStart: number;
}

/** A file's current lines: which insertion each line came from, and its offset in it. */
interface FileLines {
  ids: number[];
  offsets: number[];
  /** A diff git could not show as lines (binary): this file is blamed instead. */
  opaque: boolean;
}

/** `--- a/path`, `+++ b/path`, `rename from path`: the path, unquoted, without git's trailing tab. */
function pathOf(text: string, prefix: string): string | null {
  let path = text.endsWith('\t') ? text.slice(0, -1) : text;
  path = unquotePath(path);
  if (path === '/dev/null') return null;
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

/** The replayed state of the whole range, built one log line at a time. */
class Replay {
  readonly files = new Map<string, FileLines>();
  readonly insertions: Insertion[] = [];
  /** Merge commits of the first-parent walk: lines they seem to write came from their other parents. */
  readonly merges = new Set<string>();
  private sha = '';
  private oldPath: string | null = null;
  private newPath: string | null = null;
  private renameFrom: string | null = null;
  private current: FileLines | null = null;
  private offset = 0;

  line(text: string): void {
    if (text.startsWith(COMMIT_MARK)) {
      const [sha = '', ...parents] = text.slice(1).split(' ');
      this.sha = sha;
      if (parents.length > 1) this.merges.add(sha);
      this.endFile();
      return;
    }
    if (text.startsWith('diff --git ')) {
      this.endFile();
      return;
    }
    if (text.startsWith('@@')) {
      this.hunk(text);
      return;
    }
    if (this.current !== null) return; // a patch line: its content does not matter, only its count
    if (text.startsWith('rename from ')) this.renameFrom = pathOf(text.slice(12), '');
    else if (text.startsWith('rename to ')) this.rename(pathOf(text.slice(10), ''));
    else if (text.startsWith('--- ')) this.oldPath = pathOf(text.slice(4), 'a/');
    else if (text.startsWith('+++ ')) this.open(pathOf(text.slice(4), 'b/'));
    else if (text.startsWith('Binary files ')) this.binary(text);
  }

  private endFile(): void {
    this.current = null;
    this.oldPath = null;
    this.newPath = null;
    this.renameFrom = null;
    this.offset = 0;
  }

  private rename(to: string | null): void {
    if (this.renameFrom === null || to === null) return;
    const state = this.files.get(this.renameFrom) ?? { ids: [], offsets: [], opaque: true };
    this.files.delete(this.renameFrom);
    this.files.set(to, state);
  }

  private open(path: string | null): void {
    if (path === null) {
      // Deleted: its lines go with it.
      if (this.oldPath !== null) this.files.delete(this.oldPath);
      this.current = { ids: [], offsets: [], opaque: false };
      return;
    }
    this.newPath = path;
    let state = this.files.get(path);
    if (state === undefined || this.oldPath === null) {
      // A file the walk has not seen is new in the range (the replay starts at the root commit).
      state = { ids: [], offsets: [], opaque: this.oldPath !== null };
      this.files.set(path, state);
    }
    this.current = state;
  }

  private binary(text: string): void {
    // "Binary files a/x and b/y differ" (or /dev/null on one side): no lines to follow.
    const match = / and (.*) differ$/.exec(text);
    const to = match?.[1] === undefined ? null : pathOf(match[1], 'b/');
    if (to === null) return;
    this.files.set(to, { ids: [], offsets: [], opaque: true });
  }

  private hunk(text: string): void {
    const state = this.current;
    const match = HUNK.exec(text);
    if (state === null || match === null || this.newPath === null) return;
    const oldStart = Number(match[1]);
    const oldCount = match[2] === undefined ? 1 : Number(match[2]);
    const newStart = Number(match[3]);
    const newCount = match[4] === undefined ? 1 : Number(match[4]);
    const at = (oldCount === 0 ? oldStart : oldStart - 1) + this.offset;
    const id = this.insertions.length;
    if (newCount > 0) this.insertions.push({ sha: this.sha, origPath: this.newPath, origStart: newStart });
    const ids = new Array<number>(newCount).fill(id);
    const offsets = Array.from({ length: newCount }, (_, n) => n);
    if (newCount < 10_000) {
      state.ids.splice(at, oldCount, ...ids);
      state.offsets.splice(at, oldCount, ...offsets);
    } else {
      // A spread this long would overflow the call stack.
      state.ids = state.ids.slice(0, at).concat(ids, state.ids.slice(at + oldCount));
      state.offsets = state.offsets.slice(0, at).concat(offsets, state.offsets.slice(at + oldCount));
    }
    this.offset += newCount - oldCount;
  }
}

/** Consecutive lines from one insertion, in order, make one run (as `git blame` reports them). */
function runsOf(state: FileLines, insertions: readonly Insertion[]): BlameRun[] {
  const runs: BlameRun[] = [];
  let last: BlameRun | null = null;
  let lastId = -1;
  let lastOffset = -1;
  state.ids.forEach((id, line) => {
    const offset = state.offsets[line] ?? 0;
    if (last !== null && id === lastId && offset === lastOffset + 1) {
      last.count += 1;
    } else {
      const insertion = insertions[id];
      if (insertion === undefined) return;
      last = {
        sha: insertion.sha,
        origPath: insertion.origPath,
        origStart: insertion.origStart + offset,
        finalStart: line + 1,
        count: 1,
      };
      runs.push(last);
    }
    lastId = id;
    lastOffset = offset;
  });
  return runs;
}

/** The commits each merge brought in (`<merge>^1..<merge>`, the merge included), read once per merge. */
class MergedCommits {
  private readonly sets = new Map<string, Promise<Set<string>>>();
  constructor(private readonly git: GitRunner) {}

  of(merge: string): Promise<Set<string>> {
    let set = this.sets.get(merge);
    if (set === undefined) {
      set = this.git
        .run(['rev-list', '--end-of-options', `${merge}^1..${merge}`])
        .then(({ stdout }) => new Set(stdout.split('\n').filter((sha) => sha !== '')));
      this.sets.set(merge, set);
    }
    return set;
  }
}

export interface ReplayResult {
  /** The files the replay answers for, as `git blame` would. */
  outcomes: Map<string, BlameOutcome>;
  /** The files it cannot answer for (a binary stretch, a blame that failed): blame these whole. */
  unresolved: string[];
}

/**
 * Lines a merge commit seems to write came from its other parents (or from resolving a conflict):
 * `git blame` of just those lines at the merge says which (`-L` keeps it to them). Returns the runs
 * with each merge run replaced by what blame found, or null when blame failed.
 */
async function throughMerges(
  git: GitRunner,
  runs: readonly BlameRun[],
  merges: ReadonlySet<string>,
  merged: MergedCommits,
): Promise<BlameRun[] | null> {
  const groups = new Map<string, BlameRun[]>();
  for (const run of runs) {
    if (!merges.has(run.sha)) continue;
    const key = `${run.sha}\0${run.origPath}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  const replaced = new Map<BlameRun, BlameRun[]>();
  for (const group of groups.values()) {
    const { sha, origPath } = group[0] as BlameRun;
    const ranges = group.flatMap((run) => ['-L', `${run.origStart},${run.origStart + run.count - 1}`]);
    let found: BlameRun[];
    try {
      // Only the merged-in commits can have written these lines (the first parent lacks them), so the
      // walk stops at the first parent's history; a line it reaches the boundary with (a conflict
      // resolved by hand, a line main had deleted) is the merge's own.
      const side = await merged.of(sha);
      const { stdout } = await git.run([
        'blame',
        '--incremental',
        '--no-textconv',
        '--ignore-revs-file=',
        ...ranges,
        `${sha}^1..${sha}`,
        '--',
        origPath,
      ]);
      found = parseIncrementalBlame(stdout).map((piece) => (side.has(piece.sha) ? piece : { ...piece, sha }));
    } catch (error) {
      if (error instanceof GitError) return null;
      throw error;
    }
    for (const run of group) {
      const end = run.origStart + run.count;
      // Blame's finalStart is the line at the merge; move each piece to where the line is now.
      const pieces = found.flatMap((piece) => {
        const from = Math.max(piece.finalStart, run.origStart);
        const to = Math.min(piece.finalStart + piece.count, end);
        if (from >= to) return [];
        const shift = from - piece.finalStart;
        return [
          {
            ...piece,
            origStart: piece.origStart + shift,
            finalStart: run.finalStart + (from - run.origStart),
            count: to - from,
          },
        ];
      });
      replaced.set(run, pieces);
    }
  }
  return runs.flatMap((run) => replaced.get(run) ?? [run]);
}

/** The first-parent history up to `target`, replayed: what `replayedBlame` answers from. */
export type ReplayedHistory = Replay;

/**
 * Reads the whole first-parent history up to `target` in one `git log -p -U0` and replays it hunk by
 * hunk, so each line keeps the commit that inserted it, its path there (renames followed) and its line
 * number there. Needs no list of files, so it can start as soon as the range is known.
 */
export async function replayHistory(
  git: GitRunner,
  target: string,
  onCommit?: () => void,
): Promise<ReplayedHistory> {
  const replay = new Replay();
  const args = [
    'log',
    '--reverse',
    '--first-parent',
    '--diff-merges=first-parent',
    '-p',
    '-U0',
    '-M',
    '--no-ext-diff',
    '--no-textconv',
    '--no-color',
    `--format=${COMMIT_MARK}%H %P`,
    '--end-of-options',
    target,
    '--',
  ];
  for await (const line of git.stream(args, '\n')) {
    if (line.startsWith(COMMIT_MARK)) onCommit?.();
    replay.line(line);
  }
  return replay;
}

/**
 * Blame of `paths` for a range from the root commit, from a replayed history instead of one `git blame`
 * per file. `git blame` passes a line to the parent that has it, which on a linear history is the same
 * answer; lines a merge commit seems to write are blamed at that merge (only those lines, only through
 * the commits it merged). A file that was ever binary is returned unresolved, for `git blame` to
 * answer whole.
 */
export async function replayedBlame(
  git: GitRunner,
  replay: ReplayedHistory,
  paths: readonly string[],
): Promise<ReplayResult> {
  const outcomes = new Map<string, BlameOutcome>();
  const unresolved: string[] = [];
  const throughMerge: Array<{ path: string; runs: BlameRun[] }> = [];
  for (const path of paths) {
    const state = replay.files.get(path);
    if (state === undefined || state.opaque) {
      unresolved.push(path);
      continue;
    }
    const runs = runsOf(state, replay.insertions);
    if (runs.some((run) => replay.merges.has(run.sha))) throughMerge.push({ path, runs });
    else outcomes.set(path, { status: 'ok', path, runs });
  }
  const merged = new MergedCommits(git);
  await mapLimit(throughMerge, 4, async ({ path, runs }) => {
    const resolved = await throughMerges(git, runs, replay.merges, merged);
    if (resolved === null) unresolved.push(path);
    else outcomes.set(path, { status: 'ok', path, runs: resolved });
  });
  return { outcomes, unresolved };
}

/** replayHistory then replayedBlame. */
export async function replayBlame(
  git: GitRunner,
  target: string,
  paths: readonly string[],
): Promise<ReplayResult> {
  return replayedBlame(git, await replayHistory(git, target), paths);
}
