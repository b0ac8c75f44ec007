import { pathMatcher } from './path-globs.js';
import type { FactorId, Policy } from '../config/schema.js';
import { buildContext, createClassifier, DEFAULT_WEIGHTS, type Classifier } from './context.js';
import { localSlot } from './deploy-history.js';
import type { CommitFacts, DiffFile, GitFacts } from './facts.js';
import { lineageSummary } from './factors/ai.js';
import { addCounts, emptyCounts, estimateHistory, FULL_RATE, type HistoryTraits } from './factors/history.js';
import {
  BACKTEST_FACTORS,
  measureFactors,
  SCORE_FACTORS,
  type BacktestFactor,
  type ScoreFactor,
} from './factors/registry.js';
import { isFixSubject } from './change-kind.js';
import { ChangeHistory, type ChangeFeature, type ChangeInput } from './change-features.js';
import { scoreChange, type ScoreModel } from './risk-score.js';
import { rocAuc } from './stats.js';
import { deployProbability, logit } from './risk-model.js';
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

export function scoreUnits(units: ReadonlyArray<readonly ScoredChange[]>, model: ScoreModel): ScoredUnit[] {
  return units.map((unit) => {
    const shares: Partial<Record<BacktestFactor, number>> = {};
    for (const change of unit)
      for (const [id, value] of Object.entries(policyShares(change)) as Array<[BacktestFactor, number]>)
        shares[id] = Math.max(shares[id] ?? 0, value);
    const result = scoreChange(model, {
      changes: unit.map((change) => change.x),
      shares,
      reviewSeen: unit.some((change) => change.reviewSeen),
    });
    const base = deployProbability(model.deploy, result.changeProbabilities);
    const failures = unit.flatMap((change) => (change.failed ? [change.failedAt ?? Infinity] : []));
    return {
      score: result.score,
      probability: result.probability,
      changeProbabilities: result.changeProbabilities,
      policyLogOdds: result.probability > 0 ? logit(result.probability) - logit(base) : 0,
      at: Math.max(...unit.map((change) => change.at)),
      failed: failures.length > 0,
      failedAt: failures.length > 0 ? Math.min(...failures) : null,
    };
  });
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
function atOrAbove(scores: readonly number[], threshold: number) {
  const flagged = scores.filter((score) => score >= threshold).length;
  return { threshold, flagged, share: scores.length === 0 ? null : flagged / scores.length };
}

export function flagRate(changes: readonly ScoredChange[], threshold: number) {
  return atOrAbove(
    changes.map((c) => c.score),
    threshold,
  );
}

/**
 * Scores commits one at a time as one-change deploys with the plan's own factor code. The history
 * factor is left at 0 here: it needs the changes in time order, which finishBacktest supplies.
 */
export class ChangeScorer {
  private readonly classifier: Classifier;
  private readonly isMigration: (path: string) => boolean;

  constructor(
    private readonly policy: Policy,
    readonly weights: Record<FactorId, number>,
  ) {
    this.classifier = createClassifier(policy);
    this.isMigration = pathMatcher(policy.migrations.paths);
  }

  score(commit: CommitFacts): ScoredChange {
    const diff = commit.files.map((file): DiffFile => ({
      ...file,
      status: file.oldPath === undefined ? 'modified' : 'renamed',
      addedRanges: [],
    }));
    const facts: GitFacts = {
      repoRoot: '',
      target: { ref: commit.sha, sha: commit.sha },
      base: { sha: commit.parents[0] ?? null, source: 'from', ref: null, note: '' },
      deployedSha: commit.parents[0] ?? null,
      head: { detached: true, branch: null },
      shallow: { isShallow: false, rangeTruncated: false },
      commits: [commit],
      diff,
      migrations: [],
      diagnostics: [],
    };
    // Factors are measured at their default maxima, so each is a share of its maximum whatever the
    // weights in force: a factor weighted 0 still has a feature calibrate can bring back.
    const ctx = buildContext(
      facts,
      { ...this.policy, weights: DEFAULT_WEIGHTS, model: { hotfixDays: this.policy.model.hotfixDays } },
      this.classifier,
    );
    const lineage = lineageSummary(ctx);
    const nominal = measureFactors({ ctx, lineage, isMigration: this.isMigration });
    const features = nominal.map((p, i) => p / (DEFAULT_WEIGHTS[BACKTEST_FACTORS[i] ?? 'zones'] || 1));
    const slot = localSlot(commit.committer.date, this.policy.timezone);
    return {
      sha: commit.sha,
      at: Date.parse(commit.committer.date),
      linesAdded: commit.files.reduce((sum, file) => sum + (file.added ?? 0), 0),
      points: features.map((f, i) => Math.round(f * this.weights[BACKTEST_FACTORS[i] ?? 'zones'])),
      features,
      traits: {
        zone: ctx.zones[0]?.zone.name ?? null,
        weekday: slot.weekday,
        hour: slot.hour,
        aiShare: lineage.aiShare,
        lines: lineage.lines,
      },
      score: 0,
      factorPoints: Object.fromEntries(SCORE_FACTORS.map((id) => [id, 0])) as Record<ScoreFactor, number>,
      probability: 0,
      x: [],
      reviewSeen: false,
      reviewed: ctx.commits[0]?.reviewed ?? false,
      input: changeInput(commit),
      failed: false,
      failedBy: null,
      labelsAt: {},
      events: {},
      failedAt: null,
    };
  }
}

/** The compact form of a commit the feature walk keeps (files and the fix flag, no message). */
export function changeInput(commit: CommitFacts): ChangeInput {
  return {
    sha: commit.sha,
    at: Date.parse(commit.committer.date),
    author: commit.author.email.toLowerCase(),
    fix: isFixSubject(commit.subject),
    files: commit.files.map((file) => ({
      path: file.path,
      ...(file.oldPath === undefined ? {} : { oldPath: file.oldPath }),
      added: file.added,
      deleted: file.deleted,
    })),
  };
}

/**
 * Walks every commit oldest first (scored or not: a revert still changes its files' history), giving
 * each scored change its history features as they stood before it, then its probability, score and
 * factor points from the model. Run after applyHistory, which fills in the ledger/revert history factor.
 */
export function applyModel(
  walk: readonly ChangeInput[],
  scored: ReadonlyMap<string, ScoredChange>,
  model: ScoreModel,
): void {
  const ordered = [...walk].sort((a, b) => a.at - b.at || (a.sha < b.sha ? -1 : 1));
  const history = new ChangeHistory();
  let reviewSeen = false;
  for (const input of ordered) {
    const change = scored.get(input.sha);
    if (change === undefined) {
      history.add(input, null);
      continue;
    }
    const measured = history.measure(input);
    change.x = measured.x;
    change.reviewSeen = reviewSeen;
    const result = scoreChange(model, {
      changes: [measured.x],
      shares: policyShares(change),
      reviewSeen,
    });
    change.probability = result.probability;
    change.score = result.score;
    change.factorPoints = result.points;
    history.add(input, measured.raw);
    if (change.reviewed) reviewSeen = true;
  }
}

/** The policy factors' shares of their maxima for one change (size is the model's own). */
function policyShares(change: ScoredChange): Partial<Record<BacktestFactor, number>> {
  const share = (id: BacktestFactor) => change.features[BACKTEST_FACTORS.indexOf(id)] ?? 0;
  return {
    zones: share('zones'),
    ai: share('ai'),
    review: share('review'),
    migrations: share('migrations'),
    history: share('history'),
  };
}

/**
 * Walks the changes in time order, giving each the history factor as it stood when the change landed
 * (earlier changes, and only the failures known by then), and sums the score.
 */
export function applyHistory(changes: ScoredChange[], historyMax: number): void {
  changes.sort((a, b) => a.at - b.at || (a.sha < b.sha ? -1 : 1));
  // A failure is known from its revert or ledger record, and never before the change itself landed
  // (clock skew, a rebased branch with a commit and its revert at the same second).
  const knownAt = (change: ScoredChange) => Math.max(change.failedAt ?? change.at, change.at);
  const failures = changes.filter((change) => change.failed).sort((a, b) => knownAt(a) - knownAt(b));
  const counts = emptyCounts('changes');
  let next = 0;
  const historyIndex = BACKTEST_FACTORS.indexOf('history');
  for (const change of changes) {
    // Strictly earlier: a change never sees its own failure, nor one learnt at the same instant.
    for (; next < failures.length && knownAt(failures[next] ?? change) < change.at; next++) {
      const failure = failures[next];
      if (failure !== undefined) addCounts(counts, failure.traits, 0, 1);
    }
    const estimate = estimateHistory(counts, change.traits, historyMax);
    const feature = estimate === null ? 0 : Math.min(1, estimate.rate / FULL_RATE);
    change.features[historyIndex] = feature;
    change.points[historyIndex] = Math.round(historyMax * feature);
    addCounts(counts, change.traits, 1, 0);
  }
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
