import { isFixSubject } from './change-kind.js';
import type { CommitFacts } from './facts.js';
import { isRevert } from './reverts.js';

/**
 * The hotfix half of "needed remediation" (DORA counts a rollback or a fix forward): a later fix commit
 * changed lines a change wrote, within the hotfix window (SZZ, collect/szz.ts). Backtest labels single
 * changes with it; insights and the history factor label the deploys that shipped those changes.
 */

/** A fix commit that changed lines a commit wrote. */
export interface HotfixLink {
  /** The fix commit. */
  by: string;
  /** When the fix was committed (ISO-8601, as git printed it): when the failure became known. */
  at: string;
}

/** A commit SZZ starts from: a non-merge, non-revert commit whose subject says it fixes a defect. */
export function isFixCommit(commit: Pick<CommitFacts, 'parents' | 'subject' | 'body'>): boolean {
  return commit.parents.length === 1 && !isRevert(commit) && isFixSubject(commit.subject);
}

/**
 * The fix links of a deploy's shipped commits that make it a failure as of `now`: the first fix (in
 * time) committed after the deploy went out, no later than `now` and within `days` of the deploy, and not
 * shipped in the same deploy (`sameDeploy`). Null when there is none.
 */
export function firstHotfix(
  shipped: readonly string[],
  hotfixes: ReadonlyMap<string, readonly HotfixLink[]>,
  window: { deployedAt: number; now: number; days: number },
  sameDeploy: (fix: string) => boolean,
): HotfixLink | null {
  let first: HotfixLink | null = null;
  for (const sha of shipped) {
    for (const link of hotfixes.get(sha) ?? []) {
      const at = Date.parse(link.at);
      if (at > window.now || at < window.deployedAt) continue;
      if (at - window.deployedAt > window.days * 86_400_000 || sameDeploy(link.by)) continue;
      if (first === null || at < Date.parse(first.at)) first = link;
    }
  }
  return first;
}
