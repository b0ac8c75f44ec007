import type { FactorId } from '../config/model-schema.js';
import { CHANGE_FEATURES, type ChangeFeature } from './change-features.js';
import {
  changeLogit,
  deployProbability,
  scoreOf,
  logit,
  POLICY_SCALE,
  sigmoid,
  type ChangeModel,
  type DeployCalibration,
} from './risk-model.js';
import {
  MODEL_FACTORS,
  POLICY_FACTORS,
  SCORE_FACTORS,
  type ModelFactor,
  type PolicyFactor,
  type ScoreFactor,
} from './factors/registry.js';

/**
 * The score: the model's estimate, in percent, that a deploy needs a rollback or a hotfix within the
 * hotfix window (score = round(100 × P), so it is monotone in the estimate). Each point belongs to a
 * named factor: a factor's points are its share of the score in proportion to how much the estimate
 * drops when that factor is set to an ordinary value (the repository's median change, or no finding).
 */

const FEATURE_FACTOR = new Map<ChangeFeature, ModelFactor>(
  (Object.entries(MODEL_FACTORS) as Array<[ModelFactor, readonly ChangeFeature[]]>).flatMap(
    ([factor, features]) => features.map((feature) => [feature, factor] as const),
  ),
);
/** The value a feature takes in an ordinary change: the median (percentiles), or "no" (binaries). */
export function ordinary(feature: ChangeFeature): number {
  return feature === 'fix' ? 0 : 0.5;
}

export interface ScoreModel {
  change: ChangeModel;
  deploy: DeployCalibration;
  /** Policy weights in force (size scales the size coefficients: weight / 20). */
  weights: Record<FactorId, number>;
}

export interface ScoreInput {
  /** Feature percentiles of each change in the deploy (one row for a one-change deploy). */
  changes: ReadonlyArray<readonly number[]>;
  /** Policy findings as shares of their maxima (0–1). */
  shares: Partial<Record<PolicyFactor, number>>;
  /** Review evidence counts only in a repository where some earlier change carried it. */
  reviewSeen: boolean;
}

export interface ScoreResult {
  probability: number;
  score: number;
  /** The estimate for a one-change deploy at the repository's median with no findings ("usual"). */
  usual: number;
  points: Record<ScoreFactor, number>;
  /** How much the score drops when the factor is set to an ordinary value. */
  savings: Record<ScoreFactor, number>;
  /** Each change's own probability, in input order. */
  changeProbabilities: number[];
}

const SIZE_DEFAULT = 20;

/**
 * `weights.size` scales the size features' effect around an ordinary change: β·(0.5 + s·(x − 0.5)), so
 * a change at the repository's median scores the same whatever the weight, and 0 switches size off.
 */
export function effectiveModel(model: Pick<ScoreModel, 'change' | 'weights'>): ChangeModel {
  const scale = model.weights.size / SIZE_DEFAULT;
  const coefficients = { ...model.change.coefficients };
  let intercept = model.change.intercept;
  for (const feature of MODEL_FACTORS.size) {
    intercept += coefficients[feature] * ordinary(feature) * (1 - scale);
    coefficients[feature] *= scale;
  }
  return { intercept, coefficients };
}

function policyLogit(
  model: ScoreModel,
  shares: ScoreInput['shares'],
  reviewSeen: boolean,
  skip: PolicyFactor | null,
) {
  let sum = 0;
  for (const factor of POLICY_FACTORS) {
    if (factor === skip) continue;
    if (factor === 'review' && !reviewSeen) continue;
    sum += ((shares[factor] ?? 0) * model.weights[factor]) / POLICY_SCALE;
  }
  return sum;
}

function estimate(
  model: ScoreModel,
  change: ChangeModel,
  rows: ReadonlyArray<readonly number[]>,
  input: ScoreInput,
  neutral: ScoreFactor | null,
): { probability: number; changeProbabilities: number[] } {
  const changeProbabilities = rows.map((row) => {
    const x =
      neutral === null || !(neutral in MODEL_FACTORS)
        ? row
        : row.map((value, i) => {
            const feature = CHANGE_FEATURES[i];
            return feature !== undefined && FEATURE_FACTOR.get(feature) === neutral
              ? ordinary(feature)
              : value;
          });
    return sigmoid(changeLogit(change, x));
  });
  // Shipping many commits together is a size of its own: neutral size is the riskiest commit alone.
  const base = deployProbability(
    model.deploy,
    neutral === 'size' && changeProbabilities.length > 1
      ? [Math.max(...changeProbabilities)]
      : changeProbabilities,
  );
  const policy = policyLogit(
    model,
    input.shares,
    input.reviewSeen,
    neutral !== null && (POLICY_FACTORS as readonly string[]).includes(neutral)
      ? (neutral as PolicyFactor)
      : null,
  );
  return { probability: rows.length === 0 ? 0 : sigmoid(logit(base) + policy), changeProbabilities };
}

/** Splits `total` into integers proportional to `weights` (largest remainder; ties by order). */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (w / sum) * total);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact
    .map((v, i) => [v - Math.floor(v), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    out[i] = (out[i] ?? 0) + 1;
    left -= 1;
  }
  return out;
}

/** Probability, score and factor points of a deploy (or of one change as a one-change deploy). */
export function scoreChange(model: ScoreModel, input: ScoreInput): ScoreResult {
  const change = effectiveModel(model);
  const rows = input.changes;
  const full = estimate(model, change, rows, input, null);
  const toScore = (probability: number) => scoreOf(probability, model.deploy.scale);
  const score = toScore(full.probability);
  const drops = SCORE_FACTORS.map((factor) => {
    const without = estimate(model, change, rows, input, factor).probability;
    return { factor, logOdds: logit(full.probability) - logit(without), saving: score - toScore(without) };
  });
  const shares = apportion(
    score,
    drops.map((d) => Math.max(0, d.logOdds)),
  );
  const points = {} as Record<ScoreFactor, number>;
  const savings = {} as Record<ScoreFactor, number>;
  drops.forEach((d, i) => {
    points[d.factor] = shares[i] ?? 0;
    savings[d.factor] = Math.max(0, d.saving);
  });
  const usualRow = CHANGE_FEATURES.map(ordinary);
  const usual = deployProbability(model.deploy, [sigmoid(changeLogit(change, usualRow))]);
  return {
    probability: full.probability,
    score,
    usual,
    points,
    savings,
    changeProbabilities: full.changeProbabilities,
  };
}
