import type { CommitFacts } from './facts.js';
import type { MainBranchHealth } from './insights-types.js';
import { isRevert, type RevertLink } from './reverts.js';

/**
 * Main-branch health offline: the share of first-parent commits on the branch in the window that were
 * not later reverted. A proxy for CI success (a revert is a change the branch could not keep).
 */
export function mainBranchFromReverts(
  commits: readonly CommitFacts[],
  reverts: ReadonlyMap<string, RevertLink>,
  branch: { ref: string; sha: string },
  since: number,
  until: number,
): MainBranchHealth {
  const bySha = new Map(commits.map((commit) => [commit.sha, commit]));
  let total = 0;
  let failed = 0;
  for (let commit = bySha.get(branch.sha); commit !== undefined;) {
    const at = Date.parse(commit.committer.date);
    if (at < since) break;
    if (at <= until && !isRevert(commit)) {
      total += 1;
      if (reverts.has(commit.sha)) failed += 1;
    }
    const parent = commit.parents[0];
    commit = parent === undefined ? undefined : bySha.get(parent);
  }
  return {
    source: total === 0 ? 'none' : 'reverts',
    branch: branch.ref,
    successRate: total === 0 ? null : (total - failed) / total,
    total,
    failed,
    summary:
      total === 0
        ? `No commits on ${branch.ref} in the window, and no CI source was asked.`
        : `${failed} of ${total} commits on ${branch.ref} (first parent) in the window were later reverted; no CI source was asked, so reverts stand in for failed builds.`,
  };
}
