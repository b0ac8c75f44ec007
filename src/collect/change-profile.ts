import type { CommitFacts } from '../assess/facts.js';
import type { GitRunner } from './git-runner.js';
import { LOG_FORMAT, parseLog } from './git-log.js';

/** How many earlier changes the plan reads to place a deploy among the repository's own changes. */
export const PROFILE_CHANGES = 1500;

/**
 * The repository's changes before a deploy (newest first, with their files): what the risk model's
 * percentiles and file histories are measured against. One `git log --numstat`, bounded.
 */
export async function readPriorChanges(
  git: GitRunner,
  before: string | null,
  max = PROFILE_CHANGES,
): Promise<CommitFacts[]> {
  if (before === null) return [];
  const args = [
    'log',
    '-z',
    '--numstat',
    '-M',
    '--no-merges',
    '--no-ext-diff',
    '--no-textconv',
    `--max-count=${max}`,
    `--format=${LOG_FORMAT}`,
    '--end-of-options',
    before,
    '--',
  ];
  const commits: CommitFacts[] = [];
  for await (const commit of parseLog(git.stream(args, '\0'))) commits.push(commit);
  return commits;
}
