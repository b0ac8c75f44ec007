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
): Promise<HistoryRead> {
  const present = await existingCommits(git, [...tips, ...exclude]);
  const keep = [...new Set(tips)].filter((tip) => present.has(tip));
  const missing = [...new Set(tips)].filter((tip) => !present.has(tip));
  if (keep.length === 0) return { commits: [], missing };
  const not = [...new Set(exclude)].filter((name) => present.has(name));
  // `^rev`, not `--not`: git before 2.42 takes no options in --stdin mode.
  const input = [...keep, ...not.map((name) => `^${name}`)].join('\n') + '\n';
  const args = [
    'log',
    '-z',
    '--numstat',
    '-M',
    '--no-ext-diff',
    '--no-textconv',
    `--format=${LOG_FORMAT}`,
    '--stdin',
    '--',
  ];
  const commits: CommitFacts[] = [];
  for await (const commit of parseLog(git.stream(args, '\0', { input }))) commits.push(commit);
  return { commits, missing };
}

/**
 * Reads what the deploys of one environment shipped, plus everything up to `head` (for reverts made
 * since): history from the first deploy's base on, or only that deploy's own commit when the ledger
 * does not say what ran before it. Without deploys, `sinceIso` bounds the read.
 */
export async function readDeployHistory(
  git: GitRunner,
  deploys: ReadonlyArray<{ sha: string; base: string | null }>,
  head: string,
  sinceIso: string,
): Promise<HistoryRead> {
  const first = deploys[0];
  if (first === undefined) {
    const present = await existingCommits(git, [head]);
    if (!present.has(head)) return { commits: [], missing: [head] };
    const commits: CommitFacts[] = [];
    const args = ['log', '-z', '--numstat', '-M', '--no-ext-diff', '--no-textconv', `--format=${LOG_FORMAT}`];
    args.push(`--since=${sinceIso}`, '--end-of-options', head, '--');
    for await (const commit of parseLog(git.stream(args, '\0'))) commits.push(commit);
    return { commits, missing: [] };
  }
  const boundary = first.base ?? `${first.sha}~1`;
  return readHistory(git, [head, ...deploys.map((deploy) => deploy.sha)], [boundary]);
}
