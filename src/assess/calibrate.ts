import { aucInterval, aucOf, type ScoredChange } from './backtest.js';
import {
  BACKTEST_FACTORS,
  MEASURED_POLICY_FACTORS,
  MODEL_FACTORS,
  type BacktestFactor,
} from './factors/registry.js';
import { CHANGE_FEATURES, type ChangeFeature } from './change-features.js';
import { fitLogistic } from './logistic.js';
import { logit, POLICY_SCALE, type ChangeModel, type DeployCalibration } from './risk-model.js';
import { ordinary } from './risk-score.js';

/** The newest share of the history held out for testing; the model never sees it while fitting. */
export const HELD_OUT_SHARE = 0.3;
/**
 * Strength of the pull toward the model in force (the shipped prior): an L2 penalty on the summed
 * log-loss of each coefficient's departure from it, as a N(prior, 1/30) belief. It matters less as the
 * history grows.
 */
export const L2 = 30;
/** Fewer failures than this on either side of the split and the fit is not trusted. */
export const MIN_FAILURES = 5;
/** Walk-forward folds: each is scored by a fit on the labels known before it began. */
export const WALK_FORWARD_FOLDS = 5;

/** The policy factors calibrate re-weighs (size is the model's own: its coefficients move instead). */
export const POLICY_FITTED = MEASURED_POLICY_FACTORS;

export interface Calibration {
  train: { changes: number; failed: number; from: string | null; to: string | null };
  test: { changes: number; failed: number; from: string | null; to: string | null };
  /** Held-out AUC of the model in force before, of the fitted one, and of lines added alone. */
  before: number | null;
  after: number | null;
  baseline: number | null;
  /**
   * This repository's own fit judged honestly: the history cut into folds in time order, each fold
   * scored by a fit on the labels known before it began.
   */
  walkForward: { auc: number | null; interval: [number, number] | null; changes: number; failed: number };
  /** Policy factor weights before and after (size stays: the model's size coefficients move instead). */
  weights: Record<BacktestFactor, number>;
  previous: Record<BacktestFactor, number>;
  /** Change-model coefficients before (the prior) and fitted, and the fitted intercept. */
  priorCoefficients: Record<ChangeFeature, number>;
  coefficients: Record<ChangeFeature, number>;
  intercept: number;
  /** Why the fit was not made or should not be used; null when it is fine. */
  problem: string | null;
}

function isoDay(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString().slice(0, 10);
}

/** The features calibrate moves: the change-history percentiles, then the policy findings' shares. */
function row(change: ScoredChange): number[] {
  return [
    ...CHANGE_FEATURES.map((_, i) => change.x[i] ?? 0),
    ...POLICY_FITTED.map((id) => {
      const share = change.features[BACKTEST_FACTORS.indexOf(id)] ?? 0;
      return id === 'review' && !change.reviewSeen ? 0 : share;
    }),
  ];
}

/** Labels known by `cut` only: a fit made at that instant could not have seen the later ones. */
function knownBy(change: ScoredChange, cut: number): boolean {
  return change.failed && (change.failedAt ?? Infinity) < cut;
}

interface Departure {
  intercept: number;
  coefficients: number[];
}

/** The departure from the model in force that the changes before `cut` support, shrunk toward none. */
function fitDeparture(train: readonly ScoredChange[], cut: number): Departure {
  const model = fitLogistic(
    train.map(row),
    train.map((c) => knownBy(c, cut)),
    { l2: L2, offsets: train.map((c) => logit(c.probability)) },
  );
  return { intercept: model.intercept, coefficients: model.coefficients };
}

function predict(change: ScoredChange, departure: Departure): number {
  const values = row(change);
  let sum = logit(change.probability) + departure.intercept;
  departure.coefficients.forEach((w, j) => (sum += w * (values[j] ?? 0)));
  return sum;
}

/** Walk-forward: each fold after the first scored by a fit on what was known before it began. */
function walkForward(ordered: readonly ScoredChange[]): Calibration['walkForward'] {
  const size = Math.ceil(ordered.length / WALK_FORWARD_FOLDS);
  const scored: Array<{ failed: boolean; value: number }> = [];
  for (let k = 1; k < WALK_FORWARD_FOLDS; k++) {
    const fold = ordered.slice(k * size, (k + 1) * size);
    const start = fold[0]?.at;
    if (start === undefined) break;
    const train = ordered.slice(0, k * size);
    if (!train.some((c) => knownBy(c, start))) continue;
    const departure = fitDeparture(train, start);
    for (const change of fold) scored.push({ failed: change.failed, value: predict(change, departure) });
  }
  const failed = scored.filter((s) => s.failed).length;
  const auc = aucOf(scored, (i) => scored[i]?.value ?? 0);
  return { auc, interval: aucInterval(auc, failed, scored.length - failed), changes: scored.length, failed };
}

/**
 * Fits this repository's departure from the model in force — the change-history coefficients and the
 * policy findings' log-odds — by logistic regression with the prior's predictions as offsets, shrunk
 * toward them (L2), on the older 70% of the changes with only the labels known by then, and measures AUC
 * on the newer 30%. Also reports the walk-forward AUC. The result maps back onto the change model (the
 * deploy calibration's slope divides the change-level part) and onto the policy weights (weight / 20
 * log-odds per share).
 */
export function calibrate(
  changes: readonly ScoredChange[],
  previous: Record<BacktestFactor, number>,
  inForce: ChangeModel,
  deploy: DeployCalibration,
): Calibration {
  const ordered = [...changes].sort((a, b) => a.at - b.at || (a.sha < b.sha ? -1 : 1));
  const cutIndex = Math.floor(ordered.length * (1 - HELD_OUT_SHARE));
  const train = ordered.slice(0, cutIndex);
  const test = ordered.slice(cutIndex);
  const cut = test[0]?.at ?? Infinity;
  const side = (list: readonly ScoredChange[], known: (c: ScoredChange) => boolean) => ({
    changes: list.length,
    failed: list.filter(known).length,
    from: isoDay(list[0]?.at),
    to: isoDay(list[list.length - 1]?.at),
  });
  const priorCoefficients = { ...inForce.coefficients };
  const base = {
    train: side(train, (c) => knownBy(c, cut)),
    test: side(test, (c) => c.failed),
    previous,
    priorCoefficients,
    before: aucOf(test, (i) => test[i]?.probability ?? 0),
    baseline: aucOf(test, (i) => test[i]?.linesAdded ?? 0),
  };
  if (base.train.failed < MIN_FAILURES || base.test.failed < MIN_FAILURES) {
    return {
      ...base,
      after: null,
      walkForward: { auc: null, interval: null, changes: 0, failed: 0 },
      weights: previous,
      coefficients: priorCoefficients,
      intercept: inForce.intercept,
      problem: `Too few failures to fit and test honestly: ${base.train.failed} known in the older ${base.train.changes} change(s), ${base.test.failed} in the newer ${base.test.changes}; at least ${MIN_FAILURES} on each side are needed.`,
    };
  }
  const departure = fitDeparture(train, cut);
  const after = aucOf(test, (i) => {
    const change = test[i];
    return change === undefined ? 0 : predict(change, departure);
  });
  const slope = deploy.b > 0 ? deploy.b : 1;
  // weights.size scales the size features around an ordinary change (risk-score's effectiveModel): a
  // departure fitted on the scaled model is divided by that scale, and the intercept keeps the median
  // change where the fit put it. With size switched off its departures are dropped.
  const sizeScale = previous.size / 20;
  let intercept = inForce.intercept + departure.intercept / slope;
  const coefficients = Object.fromEntries(
    CHANGE_FEATURES.map((f, i) => {
      const delta = departure.coefficients[i] ?? 0;
      if (!(MODEL_FACTORS.size as readonly string[]).includes(f))
        return [f, Number((inForce.coefficients[f] + delta / slope).toFixed(4))];
      const raw = sizeScale > 0 ? delta / (slope * sizeScale) : 0;
      intercept -= raw * ordinary(f) * (1 - sizeScale);
      return [f, Number((inForce.coefficients[f] + raw).toFixed(4))];
    }),
  ) as Record<ChangeFeature, number>;
  const weights = { ...previous };
  POLICY_FITTED.forEach((id, i) => {
    const logOdds = previous[id] / POLICY_SCALE + (departure.coefficients[CHANGE_FEATURES.length + i] ?? 0);
    weights[id] = Math.max(0, Math.min(100, Math.round(logOdds * POLICY_SCALE)));
  });
  return {
    ...base,
    after,
    walkForward: walkForward(ordered),
    weights,
    coefficients,
    intercept: Number(intercept.toFixed(4)),
    problem:
      after !== null && base.before !== null && after <= base.before
        ? `The fitted model does no better on the held-out changes (AUC ${after.toFixed(3)} vs ${base.before.toFixed(3)} before); keep the one in force.`
        : null,
  };
}
