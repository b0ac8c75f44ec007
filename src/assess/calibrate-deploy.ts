import type { ScoredUnit } from './backtest.js';
import type { UnitKind } from './deploy-units.js';
import { HELD_OUT_SHARE, L2, MIN_FAILURES } from './calibrate.js';
import { fitLogistic } from './logistic.js';
import {
  logit,
  scoreOf,
  sigmoid,
  SCALE_PERCENTILES,
  SCALE_SCORES,
  type DeployCalibration,
} from './risk-model.js';

/**
 * The deploy-level half of calibrate: logit(P deploy) = a + b · logit(1 − Π(1 − pᵢ)) refitted on this
 * repository's own deploy-sized units (its ledger deploys or release tags; days when it has neither),
 * shrunk toward the calibration in force, on the older 70% of the units with the labels known by then,
 * and judged on the newer 30% by log-loss. The prior's was fitted on a day's changes across its corpus;
 * a repository that ships big releases, or fails more or less often than the corpus, needs its own.
 */
export interface DeployFit {
  units: UnitKind;
  count: number;
  /** Units that needed a rollback or a fix, and their share (this repository's base rate). */
  failed: number;
  failedShare: number | null;
  train: { units: number; failed: number };
  test: { units: number; failed: number };
  /** Held-out mean log-loss and mean estimate with the calibration in force and the fitted one. */
  before: { logLoss: number; meanEstimate: number } | null;
  after: { logLoss: number; meanEstimate: number } | null;
  /** The held-out share of units that failed, to compare the mean estimates with. */
  observed: number | null;
  fitted: DeployCalibration;
  /** Why the fit was not made or should not be used; null when it is fine. */
  problem: string | null;
  /** This repository's own score scale (DeployCalibration.scale), or null with too few units. */
  scale: ScaleFit | null;
}

/** Shares of units at or above the scores 30, 50 and 75 (the default riskyAt, waitAt, blockAt). */
export type FlagRates = [number, number, number];

/** The flag rates a scale aims at: about the riskiest 13%, 5% and 1% of deploys. */
export const TARGET_FLAG_RATES: FlagRates = [0.13, 0.05, 0.01];

export interface ScaleFit {
  /** Anchors fitted on every unit with the calibration kept: what `--write` stores. */
  anchors: [number, number, number];
  /**
   * The check: flag rates on the newer units, with anchors fitted on the older ones (`after`) and
   * with the scale in force (`before`); the scale is kept when `after` is nearer the targets.
   */
  heldOut: { units: number; before: FlagRates; after: FlagRates };
  /** Why it should not be used; null when it is fine. */
  problem: string | null;
}

/** Units needed on the older side before percentiles up to the 99th mean anything. */
const MIN_SCALE_UNITS = 50;

/** The estimates at the scale's percentiles (nearest rank), kept strictly increasing. */
function anchorsOf(estimates: readonly number[]): [number, number, number] {
  const sorted = [...estimates].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 1;
  const [a = 1, b = 1, c = 1] = SCALE_PERCENTILES.map(at);
  // Rounded, strictly increasing, inside (0, 1]: estimates bunched near 1 (big releases) would otherwise
  // push the upper anchors past 1, which the policy schema refuses.
  const round = (x: number) => Number(x.toFixed(4));
  const third = Math.min(1, Math.max(round(c), 3e-4));
  const second = Math.min(third - 1e-4, Math.max(round(b), 2e-4));
  const first = Math.min(second - 1e-4, Math.max(round(a), 1e-4));
  return [round(first), round(second), round(third)];
}

function flagRates(estimates: readonly number[], scale: DeployCalibration['scale']): FlagRates {
  const scores = estimates.map((p) => scoreOf(p, scale));
  const share = (at: number) =>
    scores.length === 0 ? 0 : scores.filter((score) => score >= at).length / scores.length;
  return [share(SCALE_SCORES[0]), share(SCALE_SCORES[1]), share(SCALE_SCORES[2])];
}

const distance = (rates: FlagRates) =>
  rates.reduce((sum, rate, i) => sum + Math.abs(rate - (TARGET_FLAG_RATES[i] ?? 0)), 0);

/** Fits the scale under the calibration kept, judged on the newer units by how near the targets it flags. */
function fitScale(
  train: readonly ScoredUnit[],
  test: readonly ScoredUnit[],
  kept: DeployCalibration,
  inForce: DeployCalibration,
): ScaleFit | null {
  if (train.length < MIN_SCALE_UNITS || test.length === 0) return null;
  const estimate = (unit: ScoredUnit) => predict(unit, kept);
  const before = flagRates(
    test.map((unit) => predict(unit, inForce)),
    inForce.scale,
  );
  const after = flagRates(test.map(estimate), anchorsOf(train.map(estimate)));
  return {
    anchors: anchorsOf([...train, ...test].map(estimate)),
    heldOut: { units: test.length, before, after },
    problem:
      distance(after) < distance(before)
        ? null
        : 'A scale fitted on the older units flags the newer ones no nearer 13% / 5% / 1% than the one in force; keep it.',
  };
}

/** The naive deploy log-odds of a unit: as if its changes failed independently. */
function naive(unit: ScoredUnit): number {
  let none = 1;
  for (const p of unit.changeProbabilities) none *= 1 - p;
  return logit(1 - none);
}

function predict(unit: ScoredUnit, calibration: DeployCalibration): number {
  return sigmoid(calibration.a + calibration.b * naive(unit) + unit.policyLogOdds);
}

function judge(units: readonly ScoredUnit[], calibration: DeployCalibration) {
  if (units.length === 0) return null;
  let loss = 0;
  let sum = 0;
  for (const unit of units) {
    const p = Math.min(1 - 1e-9, Math.max(1e-9, predict(unit, calibration)));
    loss -= unit.failed ? Math.log(p) : Math.log(1 - p);
    sum += p;
  }
  return { logLoss: loss / units.length, meanEstimate: sum / units.length };
}

export function calibrateDeploy(
  scored: readonly ScoredUnit[],
  kind: UnitKind,
  inForce: DeployCalibration,
): DeployFit {
  const ordered = [...scored].sort((a, b) => a.at - b.at);
  const cutIndex = Math.floor(ordered.length * (1 - HELD_OUT_SHARE));
  const train = ordered.slice(0, cutIndex);
  const test = ordered.slice(cutIndex);
  const cut = test[0]?.at ?? Infinity;
  const known = (unit: ScoredUnit) => unit.failed && (unit.failedAt ?? Infinity) < cut;
  const failed = ordered.filter((unit) => unit.failed).length;
  const base = {
    units: kind,
    count: ordered.length,
    failed,
    failedShare: ordered.length === 0 ? null : failed / ordered.length,
    train: { units: train.length, failed: train.filter(known).length },
    test: { units: test.length, failed: test.filter((unit) => unit.failed).length },
    before: judge(test, inForce),
    observed: test.length === 0 ? null : test.filter((unit) => unit.failed).length / test.length,
  };
  const goodOnBothSides = (side: { units: number; failed: number }) =>
    side.failed >= MIN_FAILURES && side.units - side.failed >= MIN_FAILURES;
  if (!goodOnBothSides(base.train) || !goodOnBothSides(base.test)) {
    return {
      ...base,
      after: null,
      fitted: inForce,
      scale: fitScale(train, test, inForce, inForce),
      problem: `Too few deploy-sized units to calibrate on: ${base.train.failed} of ${base.train.units} older ${kind} units failed, ${base.test.failed} of ${base.test.units} newer; at least ${MIN_FAILURES} failed and ${MIN_FAILURES} not on each side are needed.`,
    };
  }
  const z = train.map(naive);
  const departure = fitLogistic(
    z.map((value) => [value]),
    train.map(known),
    { l2: L2, offsets: train.map((unit, i) => inForce.a + inForce.b * (z[i] ?? 0) + unit.policyLogOdds) },
  );
  const fitted: DeployCalibration = {
    a: Number((inForce.a + departure.intercept).toFixed(4)),
    b: Number(Math.max(0, inForce.b + (departure.coefficients[0] ?? 0)).toFixed(4)),
    units: kind,
  };
  const after = judge(test, fitted);
  const problem =
    after !== null && base.before !== null && after.logLoss >= base.before.logLoss
      ? `The refitted deploy calibration does no better on the newer units (log-loss ${after.logLoss.toFixed(3)} vs ${base.before.logLoss.toFixed(3)}); keep the one in force.`
      : null;
  return {
    ...base,
    after,
    fitted,
    problem,
    scale: fitScale(train, test, problem === null ? fitted : inForce, inForce),
  };
}
