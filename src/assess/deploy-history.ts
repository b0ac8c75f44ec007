import { DateTime } from 'luxon';
import type { RiskZone } from '../config/schema.js';
import { riskValue, type Classifier, type CommitView } from './context.js';
import { byText } from './text.js';
import { historyCounts, type HistoryCounts, type HistoryTraits } from './factors/history.js';
import { claimFrom } from './deploy-units.js';
import type { Deploy } from './deploys.js';
import type { DeployTraits } from '../ledger/record.js';
import type { CommitFacts } from './facts.js';
import { WEEKDAYS, type DeployRow, type Weekday } from './insights-types.js';
import { firstHotfix, type HotfixLink } from './hotfixes.js';
import type { RevertLink } from './reverts.js';

/** A past deploy with what it carried: the facts insights and the history factor compare. */
export interface PastDeploy {
  deploy: Deploy;
  row: DeployRow;
  failed: boolean;
  /** The commits this deploy shipped first (none when its stored traits describe it: storedTraits). */
  commits: CommitView[];
  /** The baseline deploy (DeployHistoryInput.baseline): only its own commit is counted as shipped. */
  baseline: boolean;
}

export interface DeployHistoryInput {
  /** Every deploy of the environment, in time order (deploysFrom). */
  deploys: readonly Deploy[];
  /** The commits read for them (readHistory), newest first. */
  commits: readonly CommitFacts[];
  classifier: Classifier;
  timezone: string;
  reverts: ReadonlyMap<string, RevertLink>;
  /**
   * The deploy whose commit starts the history (readDeployHistory): what ran before it is unknown, so
   * only its own commit counts as shipped, and deploys before it claim nothing. Null when the first
   * deploy's base is known.
   */
  baseline: string | null;
  /** `--now` (epoch ms): a revert, fix or restore after it is not known yet. */
  now: number;
  /**
   * Fix commits that changed lines each commit wrote (SZZ, readHotfixLinks), and the hotfix window in
   * days: a deploy whose shipped change was fixed within it failed too (DORA's fix forward). Without
   * them only the ledger and reverts mark failures.
   */
  hotfixes?: { links: ReadonlyMap<string, readonly HotfixLink[]>; days: number };
  /**
   * Take what each deploy shipped (its commits, lines, AI share and zones) from the traits its ledger
   * record stored, not from `commits`, which then need no files (the caller checked that every deploy
   * has traits counted under the current policy). The commits still carry messages and parents, for
   * reverts, fixes and lead times.
   */
  storedTraits?: boolean;
}

export interface DeployHistory {
  deploys: PastDeploy[];
  /** Hours from each commit's committer date to the first deploy that took with it (not one that failed). */
  leadTimes: Array<{ sha: string; hours: number; deploy: string }>;
}

const HOUR = 3_600_000;

/** Weekday (mon..sun) and hour of an instant in the policy's timezone. */
export function localSlot(iso: string, timezone: string): { weekday: Weekday; hour: number } {
  // From epoch milliseconds, and without Luxon in UTC: Luxon costs ~50 µs a call, which hundreds of
  // deploys feel.
  const ms = Date.parse(iso);
  if (timezone === 'UTC' || timezone === 'Etc/UTC') {
    const date = new Date(ms);
    const day = Number.isNaN(ms) ? 0 : (date.getUTCDay() + 6) % 7;
    return { weekday: WEEKDAYS[day] ?? 'mon', hour: Number.isNaN(ms) ? 0 : date.getUTCHours() };
  }
  const local = DateTime.fromMillis(ms, { zone: timezone });
  return { weekday: WEEKDAYS[local.weekday - 1] ?? 'mon', hour: local.hour };
}

type Claims = Array<{ shas: string[]; baseline: boolean }>;

/**
 * The commits each deploy shipped first, and which deploy shipped each commit (a deploy that failed
 * outright shipped nothing). Deploys before the baseline claim none; the baseline claims its own commit.
 */
function claimCommits(
  input: DeployHistoryInput,
  bySha: ReadonlyMap<string, CommitFacts>,
): { claims: Claims; shippedBy: Map<string, number> } {
  const baselineIndex =
    input.baseline === null ? -1 : input.deploys.findIndex((deploy) => deploy.sha === input.baseline);
  const claimed = new Set<string>();
  const shippedBy = new Map<string, number>();
  const claims = input.deploys.map((deploy, index) => {
    const baseline = index === baselineIndex;
    const stored = input.storedTraits === true ? deploy.traits?.shipped : undefined;
    const shas =
      stored !== undefined
        ? stored.filter((sha) => !claimed.has(sha))
        : index < baselineIndex
          ? []
          : baseline
            ? bySha.has(deploy.sha) && !claimed.has(deploy.sha)
              ? [deploy.sha]
              : []
            : claimFrom(deploy.sha, (sha) => bySha.get(sha)?.parents, claimed);
    if (deploy.outcome !== 'failed') {
      for (const sha of shas) {
        claimed.add(sha);
        shippedBy.set(sha, index);
      }
    }
    return { shas, baseline };
  });
  return { claims, shippedBy };
}

/**
 * Lead time: from each commit to the deploy that first shipped it (one that took; a baseline's commits
 * have none, since what ran before it is unknown).
 */
function leadTimesOf(
  input: DeployHistoryInput,
  claims: Claims,
  bySha: ReadonlyMap<string, CommitFacts>,
): DeployHistory['leadTimes'] {
  const leadTimes: DeployHistory['leadTimes'] = [];
  for (const [index, deploy] of input.deploys.entries()) {
    const { shas, baseline } = claims[index] ?? { shas: [], baseline: false };
    if (deploy.outcome === 'failed' || baseline) continue;
    for (const sha of shas) {
      const commit = bySha.get(sha);
      if (commit === undefined) continue;
      leadTimes.push({
        sha,
        deploy: deploy.sha,
        hours: Math.max(0, (Date.parse(deploy.endedAt) - Date.parse(commit.committer.date)) / HOUR),
      });
    }
  }
  return leadTimes;
}

/** Lines, AI lines and zones of what a deploy shipped: as its record stored them, else counted from its commits. */
function shippedTraits(
  stored: DeployTraits | undefined,
  commits: readonly CommitView[],
): { lines: number; aiLines: number; zones: string[] } {
  if (stored !== undefined) return { lines: stored.lines, aiLines: stored.aiLines, zones: [...stored.zones] };
  const lines = commits.reduce((sum, commit) => sum + commit.lines, 0);
  const aiLines = commits
    .filter((commit) => commit.markers.length > 0)
    .reduce((sum, commit) => sum + commit.lines, 0);
  const zones = new Set<string>();
  for (const commit of commits) for (const zone of commit.zones) zones.add(zone);
  return { lines, aiLines, zones: [...zones].sort() };
}

/**
 * Attributes commits to deploys, and decides which deploys failed: by the ledger (`failed`,
 * `rolled-back`), or, when the ledger says it succeeded, by a later revert in git of a commit it shipped
 * (the revert shipped in a later deploy, not in the same one), or by a later fix of lines it shipped
 * within the hotfix window (the same rule). A deploy that failed outright never took:
 * its commits describe it, but stay unshipped for the next deploy that succeeds.
 */
export function describeDeploys(input: DeployHistoryInput): DeployHistory {
  const bySha = new Map(input.commits.map((commit) => [commit.sha, commit]));
  const views = new Map<string, CommitView>();
  const view = (sha: string): CommitView | null => {
    const cached = views.get(sha);
    if (cached !== undefined) return cached;
    const commit = bySha.get(sha);
    if (commit === undefined) return null;
    const made = input.classifier.viewCommit(commit);
    views.set(sha, made);
    return made;
  };

  const { claims, shippedBy } = claimCommits(input, bySha);

  // Restored when the deploy that shipped the revert or fix finished.
  const restoredBy = (fix: string) => {
    const at = shippedBy.get(fix);
    return at === undefined ? null : (input.deploys[at]?.endedAt ?? null);
  };
  const stored = input.storedTraits === true;
  const deploys = input.deploys.map((deploy, index): PastDeploy => {
    const { shas, baseline } = claims[index] ?? { shas: [], baseline: false };
    // Stored traits describe the deploy; its commits (read without files) would only be recounted.
    const commits = stored ? [] : shas.flatMap((sha) => view(sha) ?? []);
    let failedBy: DeployRow['failedBy'] = deploy.outcome === 'succeeded' ? null : 'ledger';
    let restoredAt = deploy.restoredAt;
    if (failedBy === null) {
      for (const sha of shas) {
        const link = input.reverts.get(sha);
        if (link === undefined || Date.parse(link.at) > input.now || shippedBy.get(link.by) === index)
          continue;
        failedBy = 'revert';
        restoredAt = restoredBy(link.by);
        break;
      }
    }
    if (failedBy === null && input.hotfixes !== undefined) {
      const link = firstHotfix(
        shas,
        input.hotfixes.links,
        { deployedAt: Date.parse(deploy.at), now: input.now, days: input.hotfixes.days },
        (fix) => shippedBy.get(fix) === index,
      );
      if (link !== null) {
        failedBy = 'hotfix';
        restoredAt = restoredBy(link.by);
      }
    }
    // A restore after `now` has not happened yet.
    if (restoredAt !== null && Date.parse(restoredAt) > input.now) restoredAt = null;
    const { lines, aiLines, zones } = shippedTraits(stored ? deploy.traits : undefined, commits);
    const slot = localSlot(deploy.at, input.timezone);
    const restoredHours =
      failedBy === null || restoredAt === null
        ? null
        : Math.max(0, (Date.parse(restoredAt) - Date.parse(deploy.endedAt)) / HOUR);
    return {
      deploy,
      failed: failedBy !== null,
      commits,
      baseline,
      row: {
        env: deploy.env,
        sha: deploy.sha,
        at: deploy.at,
        outcome: failedBy === 'revert' || failedBy === 'hotfix' ? 'failed' : deploy.outcome,
        failedBy,
        commits: stored ? shas.length : commits.length,
        linesChanged: lines,
        aiShare: lines === 0 ? null : aiLines / lines,
        zones,
        weekday: slot.weekday,
        hour: slot.hour,
        restoredHours,
      },
    };
  });

  const leadTimes = leadTimesOf(input, claims, bySha);
  return { deploys, leadTimes };
}

/** The traits of a past deploy that the history factor's cohorts compare. */
export function deployTraits(past: PastDeploy, riskZones: readonly RiskZone[]): HistoryTraits {
  // The riskiest zone touched, ties broken by name: the zone the plan's context ranks first.
  const ranked = [...riskZones].sort((a, b) => riskValue(b) - riskValue(a) || byText(a.name, b.name));
  const zone = ranked.find((candidate) => past.row.zones.includes(candidate.name))?.name ?? null;
  return {
    zone,
    weekday: past.row.weekday,
    hour: past.row.hour,
    aiShare: past.row.aiShare,
    lines: past.row.linesChanged,
  };
}

/** Past deploys → the cohort counts the plan's history factor reads. */
export function deployCounts(history: DeployHistory, riskZones: readonly RiskZone[]): HistoryCounts {
  return historyCounts(
    'deploys',
    history.deploys.map((past) => ({ traits: deployTraits(past, riskZones), failed: past.failed })),
  );
}
