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
