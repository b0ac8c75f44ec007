import { createHash } from 'node:crypto';
import type { Deploy } from '../assess/deploys.js';
import type { CommitFacts } from '../assess/facts.js';
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

/**
 * True when every deploy of `all` from index `from` on carries traits that still hold: counted under this
 * digest, after the deploy that now comes before it (a void, a correction or a backdated record since
 * may have changed that). Then git is not read for them.
 */
export function tracedUnder(all: readonly Deploy[], from: number, digest: string): boolean {
  if (from >= all.length) return false;
  let previous: string | null = null;
  for (const [index, deploy] of all.entries()) {
    if (index >= from) {
      const traits = deploy.traits;
      if (traits === undefined || traits.classifier !== digest || traits.after !== previous) return false;
    }
    if (deploy.outcome !== 'failed') previous = deploy.sha;
  }
  return true;
}

/** The reverts and fixes among what each deploy shipped, keyed by the shipping commit. */
async function linksOf(
  git: GitRunner,
  policy: Policy,
  input: {
    all: readonly Deploy[];
    fresh: readonly PastDeploy[];
    head: string;
    gitDir: string | null;
    /** The commits already read, when they start where `all` does (a first import): not read again. */
    read: readonly CommitFacts[] | null;
  },
): Promise<{ reverts: Map<string, RevertLink[]>; fixes: Map<string, { at: string; induced: string[] }> }> {
  // A revert may name a change shipped long before (by subject or pull request): match it against every
  // message since the env's first deploy (no files: git computes no diffs).
  const commits =
    input.read ?? (await readDeployHistory(git, input.all, input.head, { files: false })).commits;
  // By the reverting commit; one commit may revert several (a squash of two reverts).
  const reverts = new Map<string, RevertLink[]>();
  for (const link of findReverts(commits).values())
    reverts.set(link.by, [...(reverts.get(link.by) ?? []), link]);
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
 * the fix commits they shipped (cached under the git dir). None (an empty list) in a shallow clone or
 * when a commit they need is missing: plans then read git for them.
 */
export async function traitsOf(
  git: GitRunner,
  policy: Policy,
  input: {
    earlier: readonly Deploy[];
    deploys: readonly Deploy[];
    head: string;
    gitDir: string | null;
    /** A shallow clone: no traits (what lies past its boundary is unknown). */
    shallow: boolean;
  },
): Promise<DeployTraits[]> {
  if (input.deploys.length === 0) return [];
  const previous = input.earlier.filter((deploy) => deploy.outcome !== 'failed').at(-1);
  const window = previous === undefined ? [...input.deploys] : [previous, ...input.deploys];
  const { history, read } = await pastDeploys(git, policy, {
    deploys: window,
    readFor: window,
    head: input.head,
    now: Number.MAX_SAFE_INTEGER,
    gitDir: null,
  });
  // What a deploy shipped is only known when its history is all here: a commit missing from the clone
  // (the previous deploy's, say) would make it claim too little, or, at a shallow boundary, the whole tree.
  if (input.shallow || read.missing.length > 0) return [];
  const fresh = history.deploys.slice(previous === undefined ? 0 : 1);
  let after = previous?.sha ?? null;
  const afters = input.deploys.map((deploy) => {
    const before = after;
    if (deploy.outcome !== 'failed') after = deploy.sha;
    return before;
  });
  const all = [...input.earlier, ...input.deploys];
  const links = await linksOf(git, policy, {
    all,
    // The window read from the first deploy on already when nothing was deployed before it.
    read: all[0] === window[0] ? read.commits : null,
    fresh,
    head: input.head,
    gitDir: input.gitDir,
  });
  const classifier = classifierDigest(policy);
  return fresh.map((past, index): DeployTraits => {
    const shipped = past.commits.map((view) => view.commit.sha);
    return {
      classifier,
      after: afters[index] ?? null,
      shipped,
      lines: past.row.linesChanged,
      aiLines: past.commits
        .filter((view) => view.markers.length > 0)
        .reduce((sum, view) => sum + view.lines, 0),
      zones: past.row.zones,
      reverts: shipped.flatMap((sha) => links.reverts.get(sha) ?? []),
      fixes: shipped.flatMap((sha) => {
        const fix = links.fixes.get(sha);
        return fix === undefined ? [] : [{ by: sha, at: fix.at, induced: fix.induced }];
      }),
    };
  });
}
