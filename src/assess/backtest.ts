import type { HistoryTraits } from './factors/history.js';
import type { BacktestFactor, ScoreFactor } from './factors/registry.js';
import type { ChangeFeature, ChangeInput } from './change-features.js';
import { rocAuc } from './stats.js';
import type { UnitKind } from './deploy-units.js';

/** One scored change, kept compact so 100k of them fit in a few tens of MB. */
export interface ScoredChange {
  sha: string;
  /** Committer time, epoch ms. */
  at: number;
  linesAdded: number;
  /** Points per factor, in BACKTEST_FACTORS order (history filled in by finishBacktest). */
  points: number[];
  /** Each factor's points as a share of its maximum, in the same order (calibrate's features). */
  features: number[];
  traits: HistoryTraits;
  score: number;
  /** The score's points per factor, from the model (they sum to the score when any factor adds risk). */
  factorPoints: Record<ScoreFactor, number>;
  /** The model's estimate that this change needs a rollback or hotfix (score = round(100 × it)). */
  probability: number;
  /** Change-history feature percentiles, in CHANGE_FEATURES order (filled in by applyModel). */
  x: number[];
  /** Whether any earlier change in the repository carried review evidence (review counts only then). */
  reviewSeen: boolean;
  reviewed: boolean;
  /** The commit as the feature walk needs it. */
  input: ChangeInput;
  failed: boolean;
  /** The first label by priority: a revert, then the ledger, then a hotfix (SZZ). */
  failedBy: FailureKind | null;
  /** Every label the change carries, with when it became known (epoch ms). */
  labelsAt: Partial<Record<FailureKind, number>>;
  /** The event behind each label: the revert, the fix commit, the ledger record. */
  events: Partial<Record<FailureKind, string>>;
  /** When the failure became known (the earliest label), epoch ms. */
  failedAt: number | null;
}

export const FAILURE_KINDS = ['revert', 'hotfix', 'ledger'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** Labels a change failed by `kind`, known at `at`; the first label by priority names it. */
export function labelChange(change: ScoredChange, kind: FailureKind, at: number, event: string): boolean {
  if (change.labelsAt[kind] !== undefined) return false;
  change.labelsAt[kind] = at;
  change.events[kind] = event;
  change.failed = true;
  const priority = (k: FailureKind | null) => (k === null ? 9 : ['revert', 'ledger', 'hotfix'].indexOf(k));
  if (priority(kind) < priority(change.failedBy)) change.failedBy = kind;
  change.failedAt = Math.min(change.failedAt ?? at, at);
  return true;
}

export interface BandRow {
  from: number;
  to: number;
  changes: number;
  failed: number;
  rate: number | null;
}

export interface ThresholdRow {
  threshold: number;
  /** Changes scored at or above the threshold. */
  flagged: number;
  precision: number | null;
  recall: number | null;
}

/** How well the score separates one kind of failure (or any) from the rest, with its uncertainty. */
export interface KindFigures {
  /** Changes carrying the label. */
  failed: number;
  /** Distinct failure events behind them (one reverted merge or one fix labels many changes). */
  events: number;
  /** ROC AUC of the model's estimate, with a 95% interval (Hanley & McNeil, counting events). */
  auc: number | null;
  interval: [number, number] | null;
  baseline: { auc: number | null; interval: [number, number] | null };
  /** better / worse than lines added only when the two intervals do not overlap. */
  comparison: 'better' | 'worse' | 'overlapping' | null;
  /** The riskiest 10% of changes by the estimate: how many failed, and what share of all failures. */
  top10: { flagged: number; failed: number; precision: number | null; recall: number | null };
}

export interface BacktestResult {
  schemaVersion: 'deployadvisor.backtest/1';
  tool: { name: 'deployadvisor'; version: string };
  range: { spec: string; from: string | null; to: string };
  changes: number;
  failed: number;
  labels: Record<FailureKind, number>;
  /** ROC AUC of the score against any failure (null when all changes share one label). */
  auc: number | null;
  baseline: { name: 'lines-added'; auc: number | null };
  /** The same figures per label kind, and for any failure. */
  byKind: Record<FailureKind | 'any', KindFigures>;
  /** Share of changes at or above each threshold, each change scored as a one-change deploy. */
  flagRates: Record<
    'riskyAt' | 'waitAt' | 'blockAt',
    { threshold: number; flagged: number; share: number | null }
  >;
  /**
   * The same on deploy-sized units (the ledger's deploys, release tags or a day's changes, each scored
   * together as plan scores a range), how many of them failed, and the scores that would flag about
   * 13% / 5% / 1% of them (null without units).
   */
  deployFlagRates: { units: UnitKind; count: number; failed: number } & Record<
    'riskyAt' | 'waitAt' | 'blockAt',
    { threshold: number; flagged: number; share: number | null }
  > & { suggested: Record<'riskyAt' | 'waitAt' | 'blockAt', number | null> };
  /** Where the change-history coefficients came from, and the hotfix labels' window and cost. */
  model: { source: 'prior' | 'calibrated'; fittedAt: string; hotfixDays: number };
  hotfix: { fixCommits: number; blamedNow: number; fromCache: number; failedFiles: number };
  bands: BandRow[];
  thresholds: { waitAt: ThresholdRow; blockAt: ThresholdRow };
  weights: Record<BacktestFactor, number>;
  /** Where the weights came from: the defaults and `weights:`, or a calibrated `model:`. */
  weightsSource: 'policy' | 'model';
  /** Not scored: merges (their commits are), empty commits, reverts (the fix, not a change to predict), a shallow clone's boundary. */
  skipped: { merges: number; empty: number; reverts: number; shallowBoundary: number };
  diagnostics: Array<{ id: string; level: 'info' | 'warning' | 'error'; message: string; remedy?: string }>;
  changeList: Array<{
    sha: string;
    at: string;
    score: number;
    probability: number;
    failed: boolean;
    failedBy: FailureKind | null;
    labels: FailureKind[];
    linesAdded: number;
    factors: Record<ScoreFactor, number>;
    features: Record<ChangeFeature, number>;
  }>;
}

const Z95 = 1.959964;

/** Hanley & McNeil (1982) standard error of an AUC with n1 positives and n2 negatives. */
export function aucInterval(value: number | null, n1: number, n2: number): [number, number] | null {
  if (value === null || n1 < 1 || n2 < 1) return null;
  const q1 = value / (2 - value);
  const q2 = (2 * value * value) / (1 + value);
  const variance =
    (value * (1 - value) + (n1 - 1) * (q1 - value * value) + (n2 - 1) * (q2 - value * value)) / (n1 * n2);
  const half = Z95 * Math.sqrt(Math.max(0, variance));
  return [Math.max(0, value - half), Math.min(1, value + half)];
}

/** Figures for one label kind: positives are the changes with that label, negatives all others. */
export function kindFigures(
  changes: readonly ScoredChange[],
  kind: FailureKind | 'any',
  linesKnown: boolean,
): KindFigures {
  const has = (c: ScoredChange) => (kind === 'any' ? c.failed : c.labelsAt[kind] !== undefined);
  const labelled = changes.map((c) => ({ failed: has(c) }));
  const failed = labelled.filter((c) => c.failed).length;
  const events = new Set<string>();
  for (const c of changes) {
    if (!has(c)) continue;
    const kinds = kind === 'any' ? FAILURE_KINDS.filter((k) => c.labelsAt[k] !== undefined) : [kind];
    for (const k of kinds) events.add(`${k}:${c.events[k] ?? c.sha}`);
  }
  const n1 = Math.min(failed, events.size);
  const n2 = changes.length - failed;
  const auc = aucOf(labelled, (i) => changes[i]?.probability ?? 0);
  const interval = aucInterval(auc, n1, n2);
  const baseAuc = linesKnown ? aucOf(labelled, (i) => changes[i]?.linesAdded ?? 0) : null;
  const baseInterval = aucInterval(baseAuc, n1, n2);
  const comparison =
    interval === null || baseInterval === null
      ? null
      : interval[0] > baseInterval[1]
        ? 'better'
        : interval[1] < baseInterval[0]
          ? 'worse'
          : 'overlapping';
  const ranked = [...changes].sort((a, b) => b.probability - a.probability || (a.sha < b.sha ? -1 : 1));
  const top = ranked.slice(0, Math.ceil(changes.length / 10));
  const hits = top.filter(has).length;
  return {
    failed,
    events: events.size,
    auc,
    interval,
    baseline: { auc: baseAuc, interval: baseInterval },
    comparison,
    top10: {
      flagged: top.length,
      failed: hits,
      precision: top.length === 0 ? null : hits / top.length,
      recall: failed === 0 ? null : hits / failed,
    },
  };
}

/** A deploy-sized unit scored as plan scores a range: its changes together, their findings at their worst. */
export interface ScoredUnit {
  score: number;
  probability: number;
  /** The model's change-level probabilities of its changes, and the policy findings' log-odds on top. */
  changeProbabilities: number[];
  policyLogOdds: number;
  /** When its last change was made, and when the first of its changes' failures became known (epoch ms). */
  at: number;
  failed: boolean;
  failedAt: number | null;
}

/** The score at a share of the units from the top: what a threshold must be to flag about that share. */
function scoreAtTopShare(scores: readonly number[], share: number): number | null {
  if (scores.length === 0) return null;
  const sorted = [...scores].sort((a, b) => b - a);
  return sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)] ?? null;
}

/** The shares of deploys the default thresholds aim to flag: risky, waiting, blocked. */
export const TARGET_FLAG_SHARES = { riskyAt: 0.13, waitAt: 0.05, blockAt: 0.01 } as const;

/**
 * The flag rates on deploy-sized units (deploy-units.ts: the ledger's deploys, release tags, or a day's
 * changes), scored as plan scores a range: the thresholds are meant for deploys, not single changes. Also
 * the thresholds that would flag about 13% / 5% / 1% of these units, for a team tuning them.
 */
export function unitFlagRates(
  kind: UnitKind,
  scored: readonly ScoredUnit[],
  thresholds: { riskyAt: number; waitAt: number; blockAt: number },
): BacktestResult['deployFlagRates'] {
  const scores = scored.map((unit) => unit.score);
  const rate = (threshold: number) => atOrAbove(scores, threshold);
  return {
    units: kind,
    count: scores.length,
    failed: scored.filter((unit) => unit.failed).length,
    riskyAt: rate(thresholds.riskyAt),
    waitAt: rate(thresholds.waitAt),
    blockAt: rate(thresholds.blockAt),
    suggested: {
      riskyAt: scoreAtTopShare(scores, TARGET_FLAG_SHARES.riskyAt),
      waitAt: scoreAtTopShare(scores, TARGET_FLAG_SHARES.waitAt),
      blockAt: scoreAtTopShare(scores, TARGET_FLAG_SHARES.blockAt),
    },
  };
}

/** How many scores are at or above a threshold, and what share of all they are. */
export function atOrAbove(scores: readonly number[], threshold: number) {
  const flagged = scores.filter((score) => score >= threshold).length;
  return { threshold, flagged, share: scores.length === 0 ? null : flagged / scores.length };
}

export function flagRate(changes: readonly ScoredChange[], threshold: number) {
  return atOrAbove(
    changes.map((c) => c.score),
    threshold,
  );
}

/** Failure rate per score band: 0–19, 20–39, 40–59, 60–79, 80–100. */
export function scoreBands(changes: ReadonlyArray<{ score: number; failed: boolean }>): BandRow[] {
  const bands: BandRow[] = [0, 20, 40, 60, 80].map((from) => ({
    from,
    to: from === 80 ? 100 : from + 19,
    changes: 0,
    failed: 0,
    rate: null,
  }));
  for (const change of changes) {
    const band = bands[Math.min(4, Math.floor(change.score / 20))];
    if (band === undefined) continue;
    band.changes += 1;
    if (change.failed) band.failed += 1;
  }
  for (const band of bands) band.rate = band.changes === 0 ? null : band.failed / band.changes;
  return bands;
}

export function thresholdRow(
  changes: ReadonlyArray<{ score: number; failed: boolean }>,
  threshold: number,
): ThresholdRow {
  let flagged = 0;
  let hits = 0;
  let failures = 0;
  for (const change of changes) {
    if (change.failed) failures += 1;
    if (change.score >= threshold) {
      flagged += 1;
      if (change.failed) hits += 1;
    }
  }
  return {
    threshold,
    flagged,
    precision: flagged === 0 ? null : hits / flagged,
    recall: failures === 0 ? null : hits / failures,
  };
}

export function aucOf(
  changes: ReadonlyArray<{ failed: boolean }>,
  value: (index: number) => number,
): number | null {
  const scores = new Float64Array(changes.length);
  const labels = new Array<boolean>(changes.length);
  for (let i = 0; i < changes.length; i++) {
    scores[i] = value(i);
    labels[i] = changes[i]?.failed ?? false;
  }
  return rocAuc(scores, labels);
}
