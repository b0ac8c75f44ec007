import { readFile } from 'node:fs/promises';
import { changeInput, type ChangeScorer } from '../assess/backtest-score.js';
import type { BacktestResult, ScoredChange } from '../assess/backtest.js';
import type { ChangeInput } from '../assess/change-features.js';
import { isFixCommit } from '../assess/hotfixes.js';
import type { CommitFacts } from '../assess/facts.js';
import { isRevert, RevertMatcher, type RevertLink } from '../assess/reverts.js';
import type { FixCommit } from '../collect/szz.js';
import { LOG_FORMAT, parseLog } from '../collect/git-log.js';
import { GitError } from '../errors.js';
import type { Workspace } from './workspace.js';
import type { Progress } from './ports.js';
import { serviceCommit } from '../assess/service-scope.js';

/** What one pass over the range found: the scored changes, and what labels them later. */
export interface RangeWalk {
  changes: ScoredChange[];
  /** Every non-merge commit of the range, scored or not: the feature walk reads them all. */
  walk: ChangeInput[];
  /** Fix commits (range and newer): the SZZ labels start from them. */
  fixes: FixCommit[];
  skipped: BacktestResult['skipped'];
  /** Reverted merges: their label goes to the commits they brought in. */
  revertedMerges: Array<{ sha: string; at: number; by: string }>;
  pendingReverts: Array<{ change: ScoredChange; at: number; by: string }>;
  /** False when a partial clone lacks file contents, so no line counts were read. */
  linesKnown: boolean;
  diagnostics: BacktestResult['diagnostics'];
  /** Commits of the range that touch none of the service's paths (with a service), not scored. */
  outsideService: number;
}

function emptyWalk(): RangeWalk {
  return {
    changes: [],
    walk: [],
    fixes: [],
    skipped: { merges: 0, empty: 0, reverts: 0, shallowBoundary: 0 },
    revertedMerges: [],
    pendingReverts: [],
    linesKnown: true,
    diagnostics: [],
    outsideService: 0,
  };
}

function noteFix(found: RangeWalk, commit: CommitFacts): void {
  if (isFixCommit(commit)) found.fixes.push({ sha: commit.sha, at: Date.parse(commit.committer.date) });
}

function scoreCommit(
  found: RangeWalk,
  scorer: ChangeScorer,
  shallowBoundary: ReadonlySet<string>,
  commit: CommitFacts,
  link: RevertLink | null,
): void {
  const { skipped } = found;
  if (commit.parents.length > 1) {
    skipped.merges += 1;
    if (link !== null) found.revertedMerges.push({ sha: commit.sha, at: Date.parse(link.at), by: link.by });
    return;
  }
  noteFix(found, commit);
  // A revert is the fix, not a change to predict: one per failure, it would teach "small = failed".
  if (isRevert(commit)) {
    skipped.reverts += 1;
    found.walk.push(changeInput(commit));
    return;
  }
  // A shallow clone's boundary commit looks like it added the whole tree.
  if (shallowBoundary.has(commit.sha)) {
    skipped.shallowBoundary += 1;
    return;
  }
  if (commit.files.length === 0) {
    skipped.empty += 1;
    return;
  }
  const change = scorer.score(commit);
  found.walk.push(change.input);
  if (link !== null) found.pendingReverts.push({ change, at: Date.parse(link.at), by: link.by });
  found.changes.push(change);
}

/**
 * Scores every change of the range in one streaming `git log` (newest first, so each revert is seen
 * before the commit it reverts and labels it as it streams past). Reverts and fixes made after the
 * range's end (`tips`) are read first: they still tell about changes in it.
 */
export async function walkRange(
  workspace: Workspace,
  range: { to: string; revs: string },
  tips: readonly string[],
  scorer: ChangeScorer,
  progress: Progress,
  /** With a service: only changes to its paths are scored, as its plans see them. */
  scope: { service: string | null; matcher: Parameters<typeof serviceCommit>[1] | null } = {
    service: null,
    matcher: null,
  },
): Promise<RangeWalk> {
  const found = await walkAll(workspace, range, tips, scorer, progress, scope.matcher);
  if (scope.service !== null && found.outsideService > 0)
    found.diagnostics.push({
      id: 'service-scope',
      level: 'info',
      message: `Service ${scope.service}: ${found.outsideService} commit(s) of the range touch none of its paths and are not scored.`,
    });
  return found;
}

async function walkAll(
  workspace: Workspace,
  range: { to: string; revs: string },
  tips: readonly string[],
  scorer: ChangeScorer,
  progress: Progress,
  inService: Parameters<typeof serviceCommit>[1] | null,
): Promise<RangeWalk> {
  const shallowBoundary = workspace.layout.isShallow
    ? new Set(
        (await readFile(workspace.layout.shallowFile, 'utf8').catch(() => '')).split('\n').filter(Boolean),
      )
    : new Set<string>();
  const stream = async (diffArgs: readonly string[]): Promise<RangeWalk> => {
    const found = emptyWalk();
    const matcher = new RevertMatcher();
    if (tips.length > 0) {
      const newer = [
        'log',
        '-z',
        `--format=${LOG_FORMAT}`,
        '--end-of-options',
        ...tips,
        `^${range.to}`,
        '--',
      ];
      for await (const commit of parseLog(workspace.git.batches(newer, '\0'))) {
        matcher.observe(commit);
        noteFix(found, commit);
      }
    }
    const args = ['log', '-z', ...diffArgs, '--no-ext-diff', '--no-textconv', `--format=${LOG_FORMAT}`];
    args.push('--end-of-options', range.revs, '--');
    for await (const whole of parseLog(workspace.git.batches(args, '\0'))) {
      const link = matcher.observe(whole);
      const commit = inService === null || whole.parents.length > 1 ? whole : serviceCommit(whole, inService);
      if (commit === null) {
        found.outsideService += 1;
        noteFix(found, whole);
      } else scoreCommit(found, scorer, shallowBoundary, commit, link);
      progress.update(`Scoring the changes: ${found.changes.length}`);
    }
    return found;
  };
  try {
    return await stream(['--numstat', '-M']);
  } catch (error) {
    if (!(error instanceof GitError) || !/is missing git object/.test(error.message)) throw error;
    // A partial or filtered clone lacks file contents: tree diffs still name the files, without counts.
    const found = await stream(['--raw', '--no-renames']);
    found.linesKnown = false;
    found.diagnostics.push({
      id: 'missing-objects',
      level: 'warning',
      message: `${error.message.replace(/ \(a partial.*$/, '')}: line counts could not be read, so every change was scored from the files it touched without its line counts (size counts files only; the lines-added baseline is undefined; no hotfix labels).`,
      remedy: 'Use a complete clone (git clone without --filter, or git fetch --refetch) for line counts.',
    });
    return found;
  }
}
