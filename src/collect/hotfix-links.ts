import type { CommitFacts } from '../assess/facts.js';
import { isFixCommit, type HotfixLink } from '../assess/hotfixes.js';
import type { GitRunner } from './git-runner.js';
import { szzInduced } from './szz.js';

/**
 * The hotfix links among `commits` (any order): for each fix commit committed by `now`, the commits
 * whose code lines it changed within `days` (SZZ; blame answers are cached under the git dir, so only
 * fixes not seen before cost a blame). Keyed by the commit that was fixed; each list oldest fix first.
 */
export async function readHotfixLinks(
  git: GitRunner,
  gitDir: string,
  commits: readonly CommitFacts[],
  options: { days: number; now: number },
): Promise<Map<string, HotfixLink[]>> {
  const fixes = commits
    .filter((commit) => isFixCommit(commit) && Date.parse(commit.committer.date) <= options.now)
    .map((commit) => ({
      sha: commit.sha,
      at: Date.parse(commit.committer.date),
      iso: commit.committer.date,
    }));
  const links = new Map<string, HotfixLink[]>();
  if (fixes.length === 0) return links;
  const szz = await szzInduced(git, gitDir, fixes, { days: options.days });
  for (const fix of [...fixes].sort((a, b) => a.at - b.at || (a.sha < b.sha ? -1 : 1))) {
    for (const sha of szz.induced.get(fix.sha) ?? []) {
      const list = links.get(sha) ?? [];
      list.push({ by: fix.sha, at: fix.iso });
      links.set(sha, list);
    }
  }
  return links;
}
