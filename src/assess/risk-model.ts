import { CHANGE_FEATURES, type ChangeFeature } from './change-features.js';

/**
 * The risk model: a logistic regression over a change's history features (percentiles against the
 * repository's own earlier changes) plus the policy's findings (zones, AI share, review, migrations,
 * the ledger's history), each in log-odds. The change-history coefficients are a prior fitted by
 * `scripts/train-prior.mjs` on public histories (model/corpus.json); the policy findings have no
 * public data, so their log-odds come from the policy's factor weights (weight / POLICY_SCALE).
 */

/** A policy factor's weight of W points is worth W / POLICY_SCALE log-odds at its maximum. */
export const POLICY_SCALE = 20;

export interface ChangeModel {
  intercept: number;
  coefficients: Record<ChangeFeature, number>;
}

export interface DeployCalibration {
  /** logit(P deploy) = a + b · logit(1 − Π(1 − pᵢ)) over the deploy's changes. */
  a: number;
  b: number;
  /** The deploy-sized units the calibration was fitted on. */
  units: string;
  /**
   * This repository's own score scale (calibrate): the deploy-level estimates at the 87th, 95th and
   * 99th percentiles of its deploy-sized units, which score SCALE_SCORES (30, 50 and 75). Absent: the
   * score is 100 × the estimate, on which the prior's day units put those percentiles (docs/model.md).
   */
  scale?: readonly [number, number, number] | undefined;
}

/** The percentiles of a repository's deploy-sized units that its score scale anchors (calibrate). */
export const SCALE_PERCENTILES = [0.87, 0.95, 0.99] as const;
/** The scores those percentiles get: the default riskyAt, waitAt and blockAt. */
export const SCALE_SCORES = [30, 50, 75] as const;

/**
 * The 0–100 score of a deploy-level estimate: 100 × the estimate, or, on a repository's own scale, the
 * straight line through (0, 0), its three anchors and (1, 100). Monotone in the estimate either way.
 */
export function scoreOf(probability: number, scale?: readonly [number, number, number]): number {
  // An estimate that is not a number is a bug upstream; it must never read as safe.
  if (Number.isNaN(probability)) return 100;
  const p = Math.min(1, Math.max(0, probability));
  let score = p * 100;
  if (scale !== undefined) {
    const xs = [0, ...scale, 1];
    const ys = [0, ...SCALE_SCORES, 100];
    for (let i = 1; i < xs.length; i++) {
      const x0 = xs[i - 1] ?? 0;
      const x1 = xs[i] ?? 1;
      if (p > x1 && i < xs.length - 1) continue;
      const y0 = ys[i - 1] ?? 0;
      const y1 = ys[i] ?? 100;
      score = x1 <= x0 ? y1 : y0 + ((p - x0) / (x1 - x0)) * (y1 - y0);
      break;
    }
  }
  return Math.max(0, Math.min(100, Math.round(score)));
}

export interface RiskPrior {
  model: ChangeModel;
  deploy: DeployCalibration;
  /** The hotfix window the labels used. */
  hotfixDays: number;
  /** The share of changes labelled failed across the corpus (the "usual" figure when nothing better is known). */
  baseRate: number;
  /** The corpus, and the fit's own honest figures (leave-one-repository-out). */
  corpus: ReadonlyArray<{ repo: string; commit: string }>;
  fittedAt: string;
  crossValidatedAuc: number | null;
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

export function logit(p: number): number {
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  return Math.log(q / (1 - q));
}

/** The log-odds of a change from its feature percentiles. */
export function changeLogit(model: ChangeModel, x: readonly number[]): number {
  let sum = model.intercept;
  CHANGE_FEATURES.forEach((feature, i) => {
    sum += model.coefficients[feature] * (x[i] ?? 0);
  });
  return sum;
}

/** A deploy of several changes from its changes' probabilities, calibrated on deploy-sized units. */
export function deployProbability(
  calibration: DeployCalibration,
  changeProbabilities: readonly number[],
): number {
  if (changeProbabilities.length === 0) return 0;
  let none = 1;
  for (const p of changeProbabilities) none *= 1 - p;
  return sigmoid(calibration.a + calibration.b * logit(1 - none));
}
