import { pathMatcher } from './path-globs.js';
import type { FactorId } from '../config/model-schema.js';
import type { Policy } from '../config/schema.js';
import type { ScoredChange, ScoredUnit } from './backtest.js';
import { buildContext, createClassifier, DEFAULT_WEIGHTS, type Classifier } from './context.js';
import { localSlot } from './deploy-history.js';
import type { CommitFacts, DiffFile, GitFacts } from './facts.js';
import { lineageSummary } from './factors/ai.js';
import { addCounts, emptyCounts, estimateHistory, FULL_RATE } from './factors/history.js';
import {
  BACKTEST_FACTORS,
  MEASURED_POLICY_FACTORS,
  measureFactors,
  SCORE_FACTORS,
  type BacktestFactor,
  type ScoreFactor,
} from './factors/registry.js';
import { isFixSubject } from './change-kind.js';
import { ChangeHistory, type ChangeInput } from './change-features.js';
import { scoreChange, type ScoreModel } from './risk-score.js';
import { deployProbability, logit } from './risk-model.js';

/** Deploy-sized units scored as plan scores a range: their changes together, findings at their worst. */
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
  return Object.fromEntries(
    MEASURED_POLICY_FACTORS.map((id) => [id, change.features[BACKTEST_FACTORS.indexOf(id)] ?? 0]),
  );
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
