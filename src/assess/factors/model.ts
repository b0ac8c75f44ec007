import type { Policy } from '../../config/schema.js';
import { CHANGE_FEATURES, ChangeHistory, FEATURE_NOUNS, type ChangeFeature } from '../change-features.js';
import { isFixSubject } from '../change-kind.js';
import { type Context } from '../context.js';
import { byText, short } from '../text.js';
import type { CommitFacts } from '../facts.js';
import type { Factor } from '../plan-types.js';
import type { ChangeModel, DeployCalibration } from '../risk-model.js';
import { RISK_PRIOR } from '../risk-prior.js';
import { scoreChange, type ScoreResult } from '../risk-score.js';
import { MODEL_DEFINITIONS, MODEL_FACTORS, type ModelFactor, type PolicyFactor } from './registry.js';

/** A deploy calibration with what this repository's fit said about its units, when calibrate made it. */
export type DeployModel = DeployCalibration & {
  count?: number | undefined;
  failedShare?: number | undefined;
};

/**
 * The change model in force: the shipped prior, or what calibrate fitted to this repository; and the
 * deploy-level calibration in force: the prior's (a day's changes across the corpus), or this
 * repository's own (its ledger deploys or release tags).
 */
export function changeModelOf(policy: Policy): {
  model: ChangeModel;
  source: 'prior' | 'calibrated';
  deploy: DeployModel;
} {
  const prior = RISK_PRIOR.model;
  const deploy = policy.model.deploy ?? RISK_PRIOR.deploy;
  const fitted = policy.model.coefficients;
  if (fitted === undefined) return { model: prior, source: 'prior', deploy };
  const coefficients = { ...prior.coefficients };
  for (const feature of CHANGE_FEATURES) {
    const value = fitted[feature];
    if (value !== undefined) coefficients[feature] = value;
  }
  return {
    model: { intercept: policy.model.intercept ?? prior.intercept, coefficients },
    source: 'calibrated',
    deploy,
  };
}

interface MeasuredCommit {
  commit: CommitFacts;
  raw: Record<ChangeFeature, number>;
  x: number[];
}

export interface ModelAssessment {
  result: ScoreResult;
  /** The deploy's non-merge commits that change code, oldest first, with their features. */
  commits: MeasuredCommit[];
  /** Whether any change here (before or in the deploy) carries review evidence. */
  reviewSeen: boolean;
  source: 'prior' | 'calibrated';
  /** The change model in force. */
  model: ChangeModel;
  /** The deploy-level calibration in force. */
  deploy: DeployModel;
  /** How many earlier changes the percentiles were measured against. */
  profile: number;
}

function toInput(commit: CommitFacts) {
  return {
    sha: commit.sha,
    at: Date.parse(commit.committer.date),
    author: commit.author.email.toLowerCase(),
    fix: isFixSubject(commit.subject),
    files: commit.files,
  };
}

/**
 * The repository's earlier changes folded into a history (what the deploy's commits are measured
 * against), with the trailer keys they carry (lower case) and how many they were. Plain data once
 * `history.state()` is taken, so a plan can cache it per base commit.
 */
export interface PriorProfile {
  history: ChangeHistory;
  trailerKeys: ReadonlySet<string>;
  count: number;
}

/** Folds the earlier changes (`prior`, newest first) into a profile, oldest first. */
export function foldPrior(prior: readonly CommitFacts[]): PriorProfile {
  const history = new ChangeHistory();
  const trailerKeys = new Set<string>();
  for (let i = prior.length - 1; i >= 0; i--) {
    const commit = prior[i];
    if (commit === undefined) continue;
    const input = toInput(commit);
    history.add(input, history.raw(input));
    for (const trailer of commit.trailers) trailerKeys.add(trailer.key.toLowerCase());
  }
  return { history, trailerKeys, count: prior.length };
}

/**
 * Places each commit of the deploy among the repository's earlier changes (`prior`: a fresh profile,
 * which this extends), oldest commit first so each sees the ones before it, and scores the deploy.
 */
export function assessModel(
  ctx: Context,
  prior: PriorProfile,
  shares: Partial<Record<PolicyFactor, number>>,
  reviewKnown = false,
): ModelAssessment {
  const { history } = prior;
  const reviewKeys = new Set(ctx.policy.review.trailers.map((key) => key.toLowerCase()));
  // Review counts where the repository shows it at all: trailers here, or pull-request reviews from CI.
  const reviewSeen =
    reviewKnown ||
    ctx.commits.some((view) => view.reviewed) ||
    [...reviewKeys].some((key) => prior.trailerKeys.has(key));
  const commits: MeasuredCommit[] = [];
  const ordered = [...ctx.facts.commits]
    .filter((commit) => commit.parents.length <= 1)
    .sort((a, b) => Date.parse(a.committer.date) - Date.parse(b.committer.date) || byText(a.sha, b.sha));
  for (const commit of ordered) {
    const input = toInput(commit);
    const measured = history.measure(input);
    // A commit that changes no code file (docs, tests, lock files, CI) adds nothing to the estimate:
    // the labels the model learnt from count code lines only. It still joins the history.
    if (measured.raw.codeFiles > 0) commits.push({ commit, ...measured });
    history.add(input, measured.raw);
  }
  const { model, source, deploy } = changeModelOf(ctx.policy);
  const result = scoreChange(
    { change: model, deploy, weights: ctx.weights },
    { changes: commits.map((c) => c.x), shares, reviewSeen },
  );
  return { result, commits, reviewSeen, source, model, deploy, profile: prior.count };
}

/**
 * The features of a commit that raise its estimate, each with where it stands among the repository's
 * changes: "code lines added 90 (more than 98% of changes here)", "days since the files last changed 1
 * (fewer than 85% of changes here)".
 */
function standout(c: MeasuredCommit, factor: ModelFactor, model: ChangeModel): string[] {
  const lines: string[] = [];
  for (const feature of MODEL_FACTORS[factor]) {
    const i = CHANGE_FEATURES.indexOf(feature);
    const x = c.x[i] ?? 0;
    const raw = c.raw[feature];
    if (feature === 'fix') {
      if (raw > 0 && model.coefficients.fix > 0) lines.push('its subject says it fixes something');
      continue;
    }
    // What reads as a reason: a high value of a feature that raises risk, or files changed very recently.
    // (A negative fitted weight on, say, code files is the fit sharing risk with lines added, not advice.)
    const recent = feature === 'daysSinceTouched' && model.coefficients[feature] < 0 && x < 0.5;
    if (!recent && !(model.coefficients[feature] > 0 && x > 0.5)) continue;
    const value = feature === 'entropy' ? raw.toFixed(2) : String(Math.round(raw));
    const where =
      x >= 0.5
        ? `more than ${Math.min(99, Math.floor(x * 100))}% of changes here`
        : `fewer than ${Math.min(99, Math.floor((1 - x) * 100))}% of changes here`;
    lines.push(`${FEATURE_NOUNS[feature]} ${value} (${where})`);
  }
  return lines;
}

/** The model's own factors: points, and evidence naming the riskiest commits' standout features. */
export function modelFactors(assessment: ModelAssessment, ctx: Context): Factor[] {
  const { result, commits } = assessment;
  const riskiest = commits
    .map((c, i) => ({ c, p: result.changeProbabilities[i] ?? 0 }))
    .sort((a, b) => b.p - a.p || byText(a.c.commit.sha, b.c.commit.sha))
    .slice(0, 2);
  return MODEL_DEFINITIONS.map((factor): Factor => {
    const points = result.points[factor.id];
    const evidence = riskiest
      .map(({ c, p }) => ({ c, p, why: standout(c, factor.id, assessment.model) }))
      .filter(({ why }) => why.length > 0)
      .map(
        ({ c, p, why }) => `${short(c.commit.sha)} (${Math.round(p * 100)}% on its own): ${why.join('; ')}`,
      );
    return {
      id: factor.id,
      title: factor.title,
      max: 100,
      points,
      savings: result.savings[factor.id],
      ...factor.explain({ ctx, points, commits: commits.length, files: () => filesOf(commits), evidence }),
    };
  });
}

function filesOf(commits: readonly MeasuredCommit[]): string[] {
  return [...new Set(commits.flatMap((c) => c.commit.files.map((f) => f.path)))];
}
