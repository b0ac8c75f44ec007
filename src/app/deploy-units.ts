import { chooseUnits, unitsFromTips, type UnitKind } from '../assess/deploy-units.js';
import type { Deploy } from '../assess/deploys.js';
import { readParents, readReleaseTags } from '../collect/release-tags.js';
import type { GitRunner } from '../collect/git-runner.js';

/**
 * The deploy-sized units of a backtested range (assess/deploy-units.ts): the env's ledger deploys, else
 * the release tags, else a day's changes. One `for-each-ref` and one `rev-list --parents` over the range
 * and the deployed or tagged commits.
 */
export async function readDeployUnits<T extends { sha: string; at: number }>(
  git: GitRunner,
  range: { from: string | null; to: string },
  deploys: readonly Deploy[],
  changes: readonly T[],
): Promise<{ kind: UnitKind; units: T[][] }> {
  const tags = await readReleaseTags(git);
  const parents = await readParents(
    git,
    [range.to, ...deploys.map((deploy) => deploy.sha), ...tags.map((tag) => tag.sha)],
    range.from === null ? [] : [range.from],
  );
  const ledger = unitsFromTips(
    deploys.map((deploy, index) => ({
      id: String(index),
      sha: deploy.sha,
      claims: deploy.outcome !== 'failed',
    })),
    parents,
  );
  const released = unitsFromTips(
    tags.map((tag) => ({ id: tag.name, sha: tag.sha, claims: true })),
    parents,
  );
  return chooseUnits(changes, [
    { kind: 'ledger', units: ledger },
    { kind: 'tags', units: released },
  ]);
}
