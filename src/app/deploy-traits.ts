import { createHash } from 'node:crypto';
import type { Deploy } from '../assess/deploys.js';
import type { PastDeploy } from '../assess/deploy-history.js';
import { findReverts, type RevertLink } from '../assess/reverts.js';
import type { GitRunner } from '../collect/git-runner.js';
import { readDeployHistory } from '../collect/history.js';
import { readHotfixLinks } from '../collect/hotfix-links.js';
import type { Policy } from '../config/schema.js';
import { canonicalJson, type DeployTraits } from '../ledger/record.js';
import { pastDeploys } from './past-deploys.js';

/**
 * Stored deploy traits (the record's `traits`, docs/audit.md): what a deploy shipped and the reverts and
 * fixes it shipped, counted once when its event is recorded or imported. A plan's history factor then
 * reads the ledger alone instead of asking git for the line counts, messages and blame of every past
 * deploy (`git log --numstat` over hundreds of deploys took ~5 s on vitejs/vite, and SZZ blame ~10 s
 * more in a fresh clone). They are counted under the policy of that moment, which the classifier digest
 * names; a plan whose policy counts differently reads git as before.
 */

/** The policy parts that decide a commit's zones, code lines, AI share and hotfix links. */
export function classifierDigest(policy: Policy): string {
  const parts = {
    riskZones: policy.riskZones.map((zone) => ({ name: zone.name, paths: zone.paths })),
    lowRiskPaths: policy.lowRiskPaths,
    ai: policy.ai,
    hotfixDays: policy.model.hotfixDays,
  };
  return createHash('sha256').update(canonicalJson(parts)).digest('hex').slice(0, 16);
}

/** True when every deploy carries traits counted under this digest (then git is not read for them). */
export function tracedUnder(deploys: readonly Deploy[], digest: string): boolean {
  return deploys.length > 0 && deploys.every((deploy) => deploy.traits?.classifier === digest);
}

/** The reverts and fixes among what each deploy shipped, keyed by the shipping commit. */
async function linksOf(
  git: GitRunner,
  policy: Policy,
  input: { all: readonly Deploy[]; fresh: readonly PastDeploy[]; head: string; gitDir: string | null },
): Promise<{ reverts: Map<string, RevertLink>; fixes: Map<string, { at: string; induced: string[] }> }> {
  // A revert may name a change shipped long before (by subject or pull request): match it against every
  // message since the env's first deploy (no files: git computes no diffs).
  const messages = await readDeployHistory(git, input.all, input.head, { files: false });
  const reverts = new Map<string, RevertLink>();
  for (const link of findReverts(messages.commits).values()) reverts.set(link.by, link);
  const fixes = new Map<string, { at: string; induced: string[] }>();
  if (input.gitDir === null) return { reverts, fixes };
  const shipped = input.fresh.flatMap((past) => past.commits.map((view) => view.commit));
  const links = await readHotfixLinks(git, input.gitDir, shipped, {
    days: policy.model.hotfixDays,
    now: Number.MAX_SAFE_INTEGER,
  });
  for (const [induced, list] of links) {
    for (const link of list) {
      const fix = fixes.get(link.by) ?? { at: link.at, induced: [] };
      fix.induced.push(induced);
      fixes.set(link.by, fix);
    }
  }
  for (const fix of fixes.values()) fix.induced.sort();
  return { reverts, fixes };
}

/**
 * The traits of `deploys` (each the deploy of one record being written), in order: what each shipped
 * first after the deploys before it (`earlier`, the env's deploys already in the ledger; the newest
 * that took decides where the first new one starts), and the reverts and fixes among those commits.
 * One `git log --numstat` over the new deploys' commits, one without files for reverts, and blame for
 * the fix commits they shipped (cached under the git dir).
 */
export async function traitsOf(
  git: GitRunner,
  policy: Policy,
  input: { earlier: readonly Deploy[]; deploys: readonly Deploy[]; head: string; gitDir: string | null },
): Promise<DeployTraits[]> {
  if (input.deploys.length === 0) return [];
  const previous = input.earlier.filter((deploy) => deploy.outcome !== 'failed').at(-1);
  const window = previous === undefined ? [...input.deploys] : [previous, ...input.deploys];
  const { history } = await pastDeploys(git, policy, {
    deploys: window,
    readFor: window,
    head: input.head,
    now: Number.MAX_SAFE_INTEGER,
    gitDir: null,
  });
  const fresh = history.deploys.slice(previous === undefined ? 0 : 1);
  const links = await linksOf(git, policy, {
    all: [...input.earlier, ...input.deploys],
    fresh,
    head: input.head,
    gitDir: input.gitDir,
  });
  const classifier = classifierDigest(policy);
  return fresh.map((past): DeployTraits => {
    const shipped = past.commits.map((view) => view.commit.sha);
    return {
      classifier,
      shipped,
      lines: past.row.linesChanged,
      aiLines: past.commits
        .filter((view) => view.markers.length > 0)
        .reduce((sum, view) => sum + view.lines, 0),
      zones: past.row.zones,
      reverts: shipped.flatMap((sha) => {
        const link = links.reverts.get(sha);
        return link === undefined ? [] : [link];
      }),
      fixes: shipped.flatMap((sha) => {
        const fix = links.fixes.get(sha);
        return fix === undefined ? [] : [{ by: sha, at: fix.at, induced: fix.induced }];
      }),
    };
  });
}
