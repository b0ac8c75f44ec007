import { pathMatcher } from './path-globs.js';
import type { FactorId, Policy } from '../config/schema.js';
import { buildContext, createClassifier, DEFAULT_WEIGHTS, type Classifier } from './context.js';
import { localSlot } from './deploy-history.js';
import type { CommitFacts, DiffFile, GitFacts } from './facts.js';
import { aiFactor, lineageSummary } from './factors/ai.js';
import { addCounts, emptyCounts, estimateHistory, FULL_RATE, type HistoryTraits } from './factors/history.js';
import { migrationPoints } from './factors/migrations.js';
import { reviewFactor } from './factors/review.js';
import { sizeFactor } from './factors/size.js';
import { zonesFactor } from './factors/zones.js';
import { isDownStep, isMigrationSupportFile } from './migration-files.js';
import { rocAuc } from './stats.js';

/** The factors history allows: no coverage, timing or live sources for a past change. */
export const BACKTEST_FACTORS = ['zones', 'size', 'ai', 'review', 'migrations', 'history'] as const;
export type BacktestFactor = (typeof BACKTEST_FACTORS)[number];

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
  failed: boolean;
  failedBy: 'revert' | 'ledger' | null;
  /** When the failure became known (the revert's or the ledger record's time), epoch ms. */
  failedAt: number | null;
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

export interface BacktestResult {
  schemaVersion: 'deployadvisor.backtest/1';
  tool: { name: 'deployadvisor'; version: string };
  range: { spec: string; from: string | null; to: string };
  changes: number;
  failed: number;
  labels: { revert: number; ledger: number };
  /** ROC AUC of the score (null when all changes share one label). */
  auc: number | null;
  baseline: { name: 'lines-added'; auc: number | null };
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
    failed: boolean;
    failedBy: 'revert' | 'ledger' | null;
    linesAdded: number;
    factors: Record<BacktestFactor, number>;
  }>;
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
      { ...this.policy, weights: DEFAULT_WEIGHTS, model: undefined },
      this.classifier,
    );
    const lineage = lineageSummary(ctx);
    const migrations = diff.filter(
      (file) =>
        (file.added ?? 0) > 0 &&
        [file.path, file.oldPath].some(
          (path) =>
            path !== undefined &&
            this.isMigration(path) &&
            !isMigrationSupportFile(path) &&
            !isDownStep(path),
        ),
    ).length;
    const nominal = [
      zonesFactor(ctx).points,
      sizeFactor(ctx).points,
      aiFactor(ctx, lineage).points,
      reviewFactor(ctx).factor.points,
      // Content is not read per commit, so irreversibility is unknown: counted as reversible.
      migrationPoints(migrations, 0, DEFAULT_WEIGHTS.migrations),
      0,
    ];
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
      failed: false,
      failedBy: null,
      failedAt: null,
    };
  }
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
    change.score = Math.min(
      100,
      change.points.reduce((sum, value) => sum + value, 0),
    );
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
