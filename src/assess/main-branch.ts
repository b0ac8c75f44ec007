import type { CommitFacts } from './facts.js';
import type { MainBranchHealth } from './insights-types.js';
import { isRevert, type RevertLink } from './reverts.js';

/**
 * Main-branch health offline: the share of first-parent commits on the branch in the window that were
 * not later reverted. A proxy for CI success (a revert is a change the branch could not keep).
 * `firstParent` is the branch's first-parent history in the window (readFirstParent), read on its own:
 * the deploys' history may start later than the window.
 */
export function mainBranchFromReverts(
  firstParent: readonly CommitFacts[],
  reverts: ReadonlyMap<string, RevertLink>,
  branch: { ref: string; sha: string },
  since: number,
  until: number,
): MainBranchHealth {
  let total = 0;
  let failed = 0;
  for (const commit of firstParent) {
    const at = Date.parse(commit.committer.date);
    if (at < since || at > until || isRevert(commit)) continue;
    total += 1;
    const link = reverts.get(commit.sha);
    if (link !== undefined && Date.parse(link.at) <= until) failed += 1;
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
