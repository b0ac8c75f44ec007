import { labelChange, type BacktestResult, type FailureKind, type ScoredChange } from '../assess/backtest.js';
import type { Deploy } from '../assess/deploys.js';
import { szzInduced } from '../collect/szz.js';
import type { AppPorts } from './ports.js';
import type { RangeWalk } from './backtest-walk.js';
import type { Workspace } from './workspace.js';

interface Labeller {
  bySha: ReadonlyMap<string, ScoredChange>;
  mark: (change: ScoredChange, kind: FailureKind, at: number, event: string) => void;
}

/** Hotfixes (SZZ): the changes whose code lines a later fix changed within the window. */
async function labelHotfixes(
  ports: AppPorts,
  workspace: Workspace,
  found: RangeWalk,
  hotfixDays: number,
  { bySha, mark }: Labeller,
): Promise<BacktestResult['hotfix']> {
  const { fixes } = found;
  const hotfix = { fixCommits: fixes.length, blamedNow: 0, fromCache: 0, failedFiles: 0 };
  if (!found.linesKnown || fixes.length === 0) return hotfix;
  const progress = await ports.progress(`Blaming the lines ${fixes.length} fix commit(s) changed`);
  const szz = await szzInduced(workspace.git, workspace.layout.gitDir, fixes, {
    days: hotfixDays,
    onProgress: (done, total) => {
      progress.update(`Blaming fix commits: ${done} of ${total}`);
    },
  });
  progress.stop();
  Object.assign(hotfix, { blamedNow: szz.blamed, fromCache: szz.cached, failedFiles: szz.failedFiles });
  for (const fix of [...fixes].sort((a, b) => a.at - b.at)) {
    for (const sha of szz.induced.get(fix.sha) ?? []) {
      const change = bySha.get(sha);
      if (change === undefined) continue;
      const lag = fix.at - change.at;
      if (lag >= 0 && lag <= hotfixDays * 86_400_000) mark(change, 'hotfix', fix.at, fix.sha);
    }
  }
  return hotfix;
}

/**
 * Labels the failed changes: reverted ones (a reverted merge labels the commits it brought in), the
 * commits of deploys the ledger marks failed or rolled back, and hotfixed ones (SZZ).
 */
export async function labelFailures(
  ports: AppPorts,
  workspace: Workspace,
  found: RangeWalk,
  failedDeploys: readonly Deploy[],
  hotfixDays: number,
): Promise<{ labels: Record<FailureKind, number>; hotfix: BacktestResult['hotfix'] }> {
  const labels: Record<FailureKind, number> = { revert: 0, hotfix: 0, ledger: 0 };
  const mark = (change: ScoredChange, kind: FailureKind, at: number, event: string) => {
    if (labelChange(change, kind, at, event)) labels[kind] += 1;
  };
  for (const { change, at, by } of found.pendingReverts) mark(change, 'revert', at, by);
  // Labels that name more than one change: a reverted merge (the commits it brought in), and a deploy
  // the ledger marks failed or rolled back (the commits it shipped).
  const bySha = new Map(found.changes.map((change) => [change.sha, change]));
  const label = async (revs: string, by: FailureKind, at: number, event: string) => {
    const listed = await workspace.git.run(['rev-list', '--no-merges', '--end-of-options', revs, '--'], {
      okExitCodes: [0, 128],
    });
    for (const sha of listed.stdout.split('\n')) {
      const change = bySha.get(sha);
      if (change !== undefined) mark(change, by, at, event);
    }
  };
  for (const merge of found.revertedMerges)
    await label(`${merge.sha}^1..${merge.sha}`, 'revert', merge.at, merge.by);
  for (const deploy of failedDeploys) {
    // Known when the failure was recorded: the failed event, or the rollback.
    const at = Date.parse(
      deploy.outcome === 'failed' ? deploy.endedAt : (deploy.restoredAt ?? deploy.endedAt),
    );
    // Without a base: what the deployed commit brought in over its first parent (all of a merge), or
    // the commit alone when it is a root.
    if (deploy.base !== null) await label(`${deploy.base}..${deploy.sha}`, 'ledger', at, deploy.sha);
    else
      for (const revs of [`${deploy.sha}^1..${deploy.sha}`, `${deploy.sha}^!`])
        await label(revs, 'ledger', at, deploy.sha);
  }
  const hotfix = await labelHotfixes(ports, workspace, found, hotfixDays, { bySha, mark });
  return { labels, hotfix };
}
