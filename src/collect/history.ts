import type { CommitFacts } from '../assess/facts.js';
import type { GitRunner } from './git-runner.js';
import { LOG_FORMAT, parseLog } from './git-log.js';

export interface HistoryRead {
  /** Newest first, as `git log` gives them, with their files. */
  commits: CommitFacts[];
  /** Tips (deployed commits) that are not in this clone: force-pushed away, or never fetched. */
  missing: string[];
}

/** Which of `names` resolve to commits here (one `cat-file --batch-check`). */
export async function existingCommits(git: GitRunner, names: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(names)];
  if (unique.length === 0) return new Set();
  const out = await git.run(['cat-file', '--batch-check=%(objecttype) %(objectname)'], {
    input: `${unique.map((name) => `${name}^{commit}`).join('\n')}\n`,
  });
  const found = new Set<string>();
  for (const [index, line] of out.stdout.split('\n').entries()) {
    const name = unique[index];
    if (name !== undefined && line.startsWith('commit ')) found.add(name);
  }
  return found;
}

/**
 * The commits reachable from `tips` but not from `exclude`, in one streaming `git log --stdin` (no
 * process per deploy). Tips and exclusions that are not in the clone are left out and reported.
 */
export async function readHistory(
  git: GitRunner,
  tips: readonly string[],
  exclude: readonly string[],
  options: { files?: boolean } = {},
): Promise<HistoryRead> {
  const present = await existingCommits(git, [...tips, ...exclude]);
  const keep = [...new Set(tips)].filter((tip) => present.has(tip));
  const missing = [...new Set(tips)].filter((tip) => !present.has(tip));
  if (keep.length === 0) return { commits: [], missing };
  const not = [...new Set(exclude)].filter((name) => present.has(name));
  // `^rev`, not `--not`: git before 2.42 takes no options in --stdin mode.
  const input = [...keep, ...not.map((name) => `^${name}`)].join('\n') + '\n';
  // Without files (`files: false`) git computes no diffs: messages and parents only, several times faster.
  const args = [
    'log',
    '-z',
    ...(options.files === false ? [] : ['--numstat', '-M']),
    '--no-ext-diff',
    '--no-textconv',
    `--format=${LOG_FORMAT}`,
    '--stdin',
    '--',
  ];
  const commits: CommitFacts[] = [];
  for await (const commit of parseLog(git.batches(args, '\0', { input }))) commits.push(commit);
  return { commits, missing };
}

export interface DeployHistoryRead extends HistoryRead {
  /**
   * The deploy whose commit starts the history, when what ran before the first deploy is unknown or not
   * in this clone: only its own commit counts as shipped (describeDeploys). Null when the first
   * deploy's base is here.
   */
  baseline: string | null;
}

/**
 * Reads what the deploys of one environment shipped, plus everything up to `head` (for reverts made
 * since): history from the first deploy's base on, or from the first deploy's own commit when the ledger
 * does not say what ran before it. When that boundary is not in this clone (shallow, force-pushed
 * away, a root commit), reading everything would credit the first deploy with all history: the first
 * deploy whose commit is here becomes the baseline instead, and the deploys before it claim nothing.
 */
export async function readDeployHistory(
  git: GitRunner,
  deploys: ReadonlyArray<{ sha: string; base: string | null }>,
  head: string,
  options: { files?: boolean } = {},
): Promise<DeployHistoryRead> {
  const first = deploys[0];
  if (first === undefined) return { commits: [], missing: [], baseline: null };
  const tips = [head, ...deploys.map((deploy) => deploy.sha)];
  const boundary = first.base ?? `${first.sha}~1`;
  const present = await existingCommits(git, [boundary, ...tips]);
  if (present.has(boundary)) {
    const read = await readHistory(git, tips, [boundary], options);
    return { ...read, baseline: first.base === null ? first.sha : null };
  }
  const baseline = deploys.find((deploy) => present.has(deploy.sha));
  if (baseline === undefined) {
    return { commits: [], missing: [...new Set(deploys.map((deploy) => deploy.sha))], baseline: null };
  }
  const read = await readHistory(git, tips, [`${baseline.sha}~1`], options);
  return { ...read, baseline: baseline.sha };
}

/**
 * The branch's own history in a window: the first-parent commits from `tip` committed since `sinceIso`,
 * newest first, without their files (one `git log --first-parent`).
 */
export async function readFirstParent(git: GitRunner, tip: string, sinceIso: string): Promise<CommitFacts[]> {
  const args = ['log', '-z', '--first-parent', `--format=${LOG_FORMAT}`];
  // Git reads dates before 1970 wrongly (and has no commits then): such a window starts at the root.
  if (Date.parse(sinceIso) > 0) args.push(`--since=${sinceIso}`);
  args.push('--end-of-options', tip, '--');
  const commits: CommitFacts[] = [];
  for await (const commit of parseLog(git.batches(args, '\0'))) commits.push(commit);
  return commits;
}
