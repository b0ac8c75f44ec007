import { aucOf, BACKTEST_FACTORS, type BacktestFactor, type ScoredChange } from './backtest.js';
import { fitLogistic } from './logistic.js';

/** The newest share of the history held out for testing; the model never sees it while fitting. */
export const HELD_OUT_SHARE = 0.3;
/** L2 penalty on the summed log-loss (a fixed prior that matters less as history grows). */
export const L2 = 1;
/** Fewer failures than this on either side of the split and the fit is not trusted. */
export const MIN_FAILURES = 5;

export interface Calibration {
  train: { changes: number; failed: number; from: string | null; to: string | null };
  test: { changes: number; failed: number; from: string | null; to: string | null };
  /** Held-out AUC of the weights in force before, of the fitted ones, and of lines added alone. */
  before: number | null;
  after: number | null;
  baseline: number | null;
  weights: Record<BacktestFactor, number>;
  previous: Record<BacktestFactor, number>;
  coefficients: Record<BacktestFactor, number>;
  /** Why the fit was not made or should not be used; null when it is fine. */
  problem: string | null;
}

function scoreWith(change: ScoredChange, weights: Record<BacktestFactor, number>): number {
  let score = 0;
  BACKTEST_FACTORS.forEach((id, index) => {
    score += Math.round(weights[id] * (change.features[index] ?? 0));
  });
  return Math.min(100, score);
}

function isoDay(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString().slice(0, 10);
}

/**
 * Fits non-negative factor weights by regularised logistic regression on the older 70% of the changes
 * (time order) and measures AUC on the newer 30%. Coefficients become maxima scaled so they sum to what
 * the previous maxima summed to, so scores stay on the same 0–100 scale as waitAt and blockAt.
 */
export function calibrate(
  changes: readonly ScoredChange[],
  previous: Record<BacktestFactor, number>,
): Calibration {
  const ordered = [...changes].sort((a, b) => a.at - b.at);
  const cut = Math.floor(ordered.length * (1 - HELD_OUT_SHARE));
  const train = ordered.slice(0, cut);
  const test = ordered.slice(cut);
  const side = (list: readonly ScoredChange[]) => ({
    changes: list.length,
    failed: list.filter((c) => c.failed).length,
    from: isoDay(list[0]?.at),
    to: isoDay(list[list.length - 1]?.at),
  });
  const base = {
    train: side(train),
    test: side(test),
    previous,
    before: aucOf(test, (i) => test[i]?.score ?? 0),
    baseline: aucOf(test, (i) => test[i]?.linesAdded ?? 0),
  };
  const zero = Object.fromEntries(BACKTEST_FACTORS.map((id) => [id, 0])) as Record<BacktestFactor, number>;
  if (base.train.failed < MIN_FAILURES || base.test.failed < MIN_FAILURES) {
    return {
      ...base,
      after: null,
      weights: previous,
      coefficients: zero,
      problem: `Too few failures to fit and test honestly: ${base.train.failed} in the older ${base.train.changes} change(s), ${base.test.failed} in the newer ${base.test.changes}; at least ${MIN_FAILURES} on each side are needed.`,
    };
  }
  const model = fitLogistic(
    train.map((c) => c.features),
    train.map((c) => c.failed),
    { l2: L2, nonNegative: true },
  );
  const coefficients = Object.fromEntries(
    BACKTEST_FACTORS.map((id, index) => [id, model.coefficients[index] ?? 0]),
  ) as Record<BacktestFactor, number>;
  const total = BACKTEST_FACTORS.reduce((sum, id) => sum + previous[id], 0);
  const sum = BACKTEST_FACTORS.reduce((acc, id) => acc + coefficients[id], 0);
  if (sum <= 0) {
    return {
      ...base,
      after: null,
      weights: previous,
      coefficients,
      problem:
        'No factor predicts failure on the older changes (every fitted weight is 0); the weights are left as they are.',
    };
  }
  const weights = Object.fromEntries(
    BACKTEST_FACTORS.map((id) => [id, Math.min(100, Math.round((coefficients[id] / sum) * total))]),
  ) as Record<BacktestFactor, number>;
  const after = aucOf(test, (i) => {
    const change = test[i];
    return change === undefined ? 0 : scoreWith(change, weights);
  });
  return {
    ...base,
    after,
    weights,
    coefficients,
    problem:
      after !== null && base.before !== null && after < base.before
        ? `The fitted weights do worse on the held-out changes (AUC ${after.toFixed(3)} vs ${base.before.toFixed(3)}); keep the current ones.`
        : null,
  };
}
