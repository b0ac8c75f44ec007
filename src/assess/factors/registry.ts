import type { ChangeFeature } from '../change-features.js';
import type { Context } from '../context.js';
import type { CoverageFacts } from '../facts.js';
import type { Weekday } from '../insights-types.js';
import type { Factor, LineageSummary, ReviewEvidence } from '../plan-types.js';
import { AI } from './ai.js';
import { AUTHOR } from './author.js';
import { CHURN } from './churn.js';
import { HISTORY, type HistoryCounts } from './history.js';
import { MIGRATIONS } from './migrations.js';
import type { FactorWords, ModelView } from './model-view.js';
import { PURPOSE } from './purpose.js';
import { REVIEW } from './review.js';
import { SIZE } from './size.js';
import { TESTS } from './tests.js';
import { ZONES } from './zones.js';

/** What a policy factor sees in a plan: the context, and the evidence beyond git. */
export interface PlanEvidence {
  ctx: Context;
  lineage: LineageSummary;
  /** Coverage as collected, or null when none was looked for. */
  coverage: CoverageFacts | null;
  /** The review of the pull request that carried the target, as CI reports it. */
  pullRequest: ReviewEvidence | null;
  /** Past deploys of the env by cohort (null: no ledger history was read). */
  history: HistoryCounts | null;
  /** The deploy's weekday and hour in the policy's timezone. */
  slot: { weekday: Weekday; hour: number };
  env: string;
}

/** What a factor sees in a backtest: one commit as a one-change deploy, at the default weights. */
export interface CommitEvidence {
  ctx: Context;
  lineage: LineageSummary;
  isMigration: (path: string) => boolean;
}

/**
 * A factor of the score. Its maximum is its weight in force (`ctx.weights`, defaults in
 * `DEFAULT_WEIGHTS`, policy `weights:`, calibrated `model.weights`) for a policy factor, 100 for a model
 * factor. `measure` is the factor's points for one past commit at the default weight (backtest and
 * calibrate); a factor without it cannot be measured after the fact (coverage, churn...).
 */
export type FactorDefinition =
  | {
      id: string;
      title: string;
      /** A finding from the policy, added to the deploy's log-odds (weight / POLICY_SCALE at its maximum). */
      kind: 'policy';
      /** Plan: the finding, and whatever else the plan's gates, rollback and coverage read from it. */
      assess: (evidence: PlanEvidence) => { factor: Factor };
      measure?: (commit: CommitEvidence) => number;
    }
  | {
      id: string;
      title: string;
      /** A group of the change model's features: its points are the fitted model's, explained. */
      kind: 'model';
      features: readonly ChangeFeature[];
      explain: (view: ModelView) => FactorWords;
      measure?: (commit: CommitEvidence) => number;
    };

/**
 * Every factor, in the score's order (the order of the plan's ties broken by id, of backtest's columns
 * and of calibrate's features). A new factor is one file in this folder and one line here.
 */
export const FACTORS = [
  ZONES,
  SIZE,
  CHURN,
  AUTHOR,
  PURPOSE,
  AI,
  TESTS,
  REVIEW,
  MIGRATIONS,
  HISTORY,
] as const satisfies readonly FactorDefinition[];

type Entry = (typeof FACTORS)[number];
type PolicyEntry = Extract<Entry, { kind: 'policy' }>;
type ModelEntry = Extract<Entry, { kind: 'model' }>;
type BacktestEntry = Extract<Entry, { measure: unknown }>;
export type ScoreFactor = Entry['id'];
export type PolicyFactor = PolicyEntry['id'];
export type ModelFactor = ModelEntry['id'];
/** The factors history allows: no coverage, timing or live sources for a past change. */
export type BacktestFactor = BacktestEntry['id'];

export const SCORE_FACTORS: readonly ScoreFactor[] = FACTORS.map((factor) => factor.id);
export const POLICY_DEFINITIONS = FACTORS.filter((f): f is PolicyEntry => f.kind === 'policy');
/** The policy's findings, added to the deploy's log-odds (weight / POLICY_SCALE at their maximum). */
export const POLICY_FACTORS: readonly PolicyFactor[] = POLICY_DEFINITIONS.map((factor) => factor.id);
export const MODEL_DEFINITIONS = FACTORS.filter((f): f is ModelEntry => f.kind === 'model');
/** The model's change-history factors and the features each is made of. */
export const MODEL_FACTORS = Object.fromEntries(
  MODEL_DEFINITIONS.map((factor): [ModelFactor, readonly ChangeFeature[]] => [factor.id, factor.features]),
) as Record<ModelFactor, readonly ChangeFeature[]>;
export const BACKTEST_DEFINITIONS = FACTORS.filter((f): f is BacktestEntry => 'measure' in f);
export const BACKTEST_FACTORS: readonly BacktestFactor[] = BACKTEST_DEFINITIONS.map((factor) => factor.id);
/** The policy factors a backtest measures: what calibrate re-weighs (size's coefficients move instead). */
export const MEASURED_POLICY_FACTORS = BACKTEST_DEFINITIONS.filter(
  (f): f is Extract<BacktestEntry, { kind: 'policy' }> => f.kind === 'policy',
).map((factor) => factor.id);

/** Each policy factor's findings, by id (the factor, and what gates and rollback read from it). */
export type PolicyFindings = { [F in PolicyEntry as F['id']]: ReturnType<F['assess']> };

/** Plan: every policy factor's findings. */
export function assessPolicyFactors(evidence: PlanEvidence): PolicyFindings {
  return Object.fromEntries(
    POLICY_DEFINITIONS.map((factor) => [factor.id, factor.assess(evidence)]),
  ) as PolicyFindings;
}

/** Backtest: each measurable factor's points for one commit, in BACKTEST_FACTORS order. */
export function measureFactors(commit: CommitEvidence): number[] {
  return BACKTEST_DEFINITIONS.map((factor) => factor.measure(commit));
}
