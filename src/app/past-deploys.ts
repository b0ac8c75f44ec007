import { createClassifier } from '../assess/context.js';
import { describeDeploys, type DeployHistory } from '../assess/deploy-history.js';
import type { Deploy } from '../assess/deploys.js';
import type { CommitFacts } from '../assess/facts.js';
import { findReverts, type RevertLink } from '../assess/reverts.js';
import { storedLinks } from '../assess/stored-traits.js';
import { readHotfixLinks } from '../collect/hotfix-links.js';
import { readDeployHistory, type DeployHistoryRead } from '../collect/history.js';
import type { GitRunner } from '../collect/git-runner.js';
import type { Policy } from '../config/schema.js';

/** pastDeploys from the deploys' stored traits alone (tracedUnder): no git at all. */
function fromStoredTraits(
  policy: Policy,
  input: { deploys: readonly Deploy[]; now: number; gitDir: string | null },
): { history: DeployHistory; read: DeployHistoryRead; reverts: Map<string, RevertLink> } {
  const links = storedLinks(input.deploys);
  const history = describeDeploys({
    deploys: input.deploys,
    commits: [],
    classifier: createClassifier(policy),
    timezone: policy.timezone,
    reverts: links.reverts,
    baseline: null,
    now: input.now,
    ...(input.gitDir === null ? {} : { hotfixes: { links: links.hotfixes, days: policy.model.hotfixDays } }),
    storedTraits: true,
  });
  return { history, read: { commits: [], missing: [], baseline: null }, reverts: links.reverts };
}

/**
 * The env's deploys as known at `now` (later ledger records, reverts, fixes and restores are not seen),
 * with what each shipped: git is read for `readFor` (the deploys whose commits matter), and `extra`
 * commits (already read elsewhere) are searched for reverts and fix commits too. With the git dir, a
 * deploy whose shipped lines a later fix changed within `model.hotfixDays` failed (SZZ, blame cached
 * there). Plan's history factor and insights share it.
 */
export async function pastDeploys(
  git: GitRunner,
  policy: Policy,
  input: {
    deploys: readonly Deploy[];
    readFor: readonly Deploy[];
    head: string;
    now: number;
    extra?: readonly CommitFacts[];
    /** Where SZZ caches its blame; null leaves hotfix labels out. */
    gitDir: string | null;
    /**
     * Use the deploys' stored traits (tracedUnder): what they shipped and the reverts and fixes they
     * shipped come from the ledger, and git is not read (no lead times, which need commit dates).
     */
    storedTraits?: boolean;
  },
): Promise<{ history: DeployHistory; read: DeployHistoryRead; reverts: Map<string, RevertLink> }> {
  if (input.storedTraits === true) return fromStoredTraits(policy, input);
  const read = await readDeployHistory(git, input.readFor, input.head);
  const known = (commit: CommitFacts) => Date.parse(commit.committer.date) <= input.now;
  const commits = new Map([...read.commits, ...(input.extra ?? [])].filter(known).map((c) => [c.sha, c]));
  const reverts = findReverts([...commits.values()]);
  const days = policy.model.hotfixDays;
  const hotfixes =
    input.gitDir === null
      ? undefined
      : {
          links: await readHotfixLinks(git, input.gitDir, [...commits.values()], { days, now: input.now }),
          days,
        };
  const history = describeDeploys({
    deploys: input.deploys,
    commits: read.commits,
    classifier: createClassifier(policy),
    timezone: policy.timezone,
    reverts,
    baseline: read.baseline,
    now: input.now,
    ...(hotfixes === undefined ? {} : { hotfixes }),
  });
  return { history, read, reverts };
}
