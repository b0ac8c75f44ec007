import { DEFAULT_ENVIRONMENT } from '../config/defaults.js';
import type { Policy } from '../config/schema.js';
import { assessModel, foldPrior, modelFactors, type ModelAssessment } from './factors/model.js';
import {
  assessPolicyFactors,
  POLICY_FACTORS,
  type PolicyFactor,
  type PolicyFindings,
} from './factors/registry.js';
import { RISK_PRIOR } from './risk-prior.js';
import { buildContext, lineCount, type Context } from './context.js';
import { byText } from './text.js';
import { lineageSummary } from './factors/ai.js';
import { localSlot } from './deploy-history.js';
import type { PlanInput } from './plan-input.js';
import { droppedGates, evidenceGates, gateRank, policyGates } from './plan-gates.js';
import { planEstimate, summarise } from './plan-summary.js';
import type { Factor, Plan, ReviewEvidence, Verdict } from './plan-types.js';
import { planRollback } from './rollback.js';
import { assessTiming } from './timing.js';
import { assessSources, type SourceFacts } from './sources.js';

import { decideVerdict, exitCodeFor } from './verdict.js';

/** The review evidence of the pull request that carried the target, as the first CI source reports it. */
export function pullRequestReview(sources: readonly SourceFacts[] | undefined): ReviewEvidence | null {
  for (const fact of sources ?? [])
    if (fact.outcome.status === 'ci' && fact.outcome.ci.review !== undefined) return fact.outcome.ci.review;
  return null;
}

/**
 * The factors as scored: the policy's findings (as shares of their maxima) and the change model give the
 * estimate; each factor's points are its share of it.
 */
function scoreFactors(
  input: PlanInput,
  ctx: Context,
  found: PolicyFindings,
): { factors: Factor[]; model: ModelAssessment } {
  const policyFactors = POLICY_FACTORS.map((id) => found[id].factor);
  // A finding that is the same for every change here says nothing: no coverage report anywhere.
  const noCoverage =
    (input.coverage?.reports.length ?? 0) === 0 && input.policy.coverage.reports.length === 0;
  const shares: Partial<Record<PolicyFactor, number>> = {};
  for (const factor of policyFactors) {
    const share = factor.max > 0 ? factor.points / factor.max : 0;
    shares[factor.id as PolicyFactor] = factor.id === 'tests' && noCoverage ? 0 : share;
  }
  const model = assessModel(
    ctx,
    input.prior ?? foldPrior([]),
    shares,
    pullRequestReview(input.sources) !== null,
  );
  const estimate = model.result;
  const factors = [
    ...policyFactors.map((factor): Factor => {
      const id = factor.id as PolicyFactor;
      const note =
        id === 'review' && !model.reviewSeen && factor.points > 0
          ? ' Not counted: no commit here carries review trailers (squash merges drop them), so their absence says nothing.'
          : id === 'tests' && noCoverage && factor.points > 0
            ? ' Not counted: no coverage report is configured or found for this repository.'
            : '';
      return {
        ...factor,
        summary: `${factor.summary}${note}`,
        max: 100,
        points: estimate.points[id],
        savings: Math.min(
          estimate.savings[id],
          factor.savings === 0 ? estimate.savings[id] : estimate.points[id],
        ),
      };
    }),
    ...modelFactors(model, ctx),
  ];
  return { factors, model };
}

/**
 * Findings no history can outweigh: a critical zone makes a deploy at least risky, an irreversible
 * migration makes it wait for a preferred window. The model's estimate stays as it is; the score is
 * raised and the points go to the finding. Returns the score.
 */
function applyFloor(
  factors: Factor[],
  estimated: number,
  found: PolicyFindings,
  ctx: Context,
  thresholds: Policy['thresholds'],
): number {
  const floors = [
    ...(ctx.zones.some((touch) => touch.risk >= 100)
      ? [
          {
            id: 'zones',
            at: thresholds.riskyAt,
            why: 'a critical zone makes any deploy at least risky (riskyAt)',
          },
        ]
      : []),
    ...(found.migrations.irreversible.length > 0
      ? [
          {
            id: 'migrations',
            at: thresholds.waitAt,
            why: 'an irreversible migration makes any deploy wait for a preferred window (waitAt)',
          },
        ]
      : []),
  ].sort((a, b) => b.at - a.at);
  let score = estimated;
  const floor = floors[0];
  if (floor !== undefined && score < floor.at) {
    const factor = factors.find((f) => f.id === floor.id);
    if (factor !== undefined) {
      factor.points += floor.at - score;
      factor.summary = `${factor.summary} Score raised to ${floor.at}: ${floor.why}.`;
    }
    score = floor.at;
  }
  return score;
}

function coverageSection(input: PlanInput, tests: PolicyFindings['tests']): Plan['coverage'] {
  return {
    status:
      (input.coverage?.reports.length ?? 0) === 0
        ? 'none'
        : !(input.coverage?.reports.some((report) => report.status === 'ok') ?? false)
          ? 'unusable'
          : (tests.coverage?.patch.measured ?? 0) === 0
            ? 'n/a'
            : 'ok',
    source: input.coverage?.source ?? 'none',
    reports: input.coverage?.reports ?? [],
    patch: tests.coverage?.patch ?? null,
    files: tests.coverage?.files ?? [],
    zones: tests.coverage?.zones ?? [],
  };
}

function rangeSection(facts: PlanInput['facts']): Plan['range'] {
  return {
    from: facts.base.sha,
    fromSource: facts.base.source,
    fromRef: facts.base.ref,
    to: facts.target.sha,
    toRef: facts.target.ref,
    commits: facts.commits.length,
    files: facts.diff.length,
    note: facts.base.note,
    ...(facts.scope === undefined
      ? {}
      : { service: { name: facts.scope.service, paths: facts.scope.paths, outside: facts.scope.outside } }),
  };
}

/** The calibrated model in force, as the policy records it (null: the shipped prior). */
function modelSection(policy: Policy): Plan['model'] {
  return policy.model.weights === undefined
    ? null
    : {
        fittedAt: policy.model.fittedAt ?? 'unknown',
        range: policy.model.range ?? 'unknown',
        changes: policy.model.changes ?? 0,
        heldOutAuc: policy.model.heldOutAuc ?? null,
        baselineAuc: policy.model.baselineAuc ?? null,
      };
}

/** How to roll back: the previous commit, the migrations to undo, and what to watch. */
function rollbackOf(
  input: PlanInput,
  ctx: Context,
  migrations: PolicyFindings['migrations']['migrations'],
): Plan['rollback'] {
  const biggest = [...ctx.codeFiles].sort((a, b) => lineCount(b) - lineCount(a) || byText(a.path, b.path));
  return planRollback({
    policy: input.policy,
    env: input.env,
    targetSha: input.facts.target.sha,
    previousSha: input.facts.deployedSha ?? input.facts.base.sha,
    migrations,
    zones: ctx.zones,
    riskiestFiles: biggest.slice(0, 3).map((file) => file.path),
  });
}

/** Facts + policy + time → the deploy plan. Pure: same input, same plan. */
export function assessPlan(input: PlanInput): Plan {
  const ctx = buildContext(input.facts, input.policy);
  const lineage = lineageSummary(ctx);
  const found = assessPolicyFactors({
    ctx,
    lineage,
    coverage: input.coverage,
    pullRequest: pullRequestReview(input.sources),
    history: input.history ?? null,
    slot: localSlot(new Date(input.now).toISOString(), input.policy.timezone),
    env: input.env,
  });
  const { factors, model } = scoreFactors(input, ctx, found);
  const thresholds = input.policy.thresholds;
  const score = applyFloor(factors, model.result.score, found, ctx, thresholds);
  factors.sort((a, b) => b.points - a.points || byText(a.id, b.id));
  const envPolicy = input.policy.environments[input.env];
  const { timing, gates: timingGates } = assessTiming({
    policy: input.policy,
    now: input.now,
    deployMinutes: (envPolicy ?? DEFAULT_ENVIRONMENT).deployMinutes,
    risky: score >= thresholds.riskyAt,
    needsPreferred: score >= thresholds.waitAt && score < thresholds.blockAt,
  });
  const live = assessSources(input.policy.sources, input.sources ?? [], score >= thresholds.riskyAt);
  const gates = [
    ...evidenceGates(input),
    ...droppedGates(input),
    ...policyGates(input.policy, found, ctx.zones),
    ...live.gates,
    ...timingGates,
  ].sort((a, b) => gateRank(b.level) - gateRank(a.level));
  const decided = decideVerdict(gates, score, thresholds.blockAt);
  const overridable = decided === 'WAIT' || decided === 'BLOCK';
  const overridden =
    input.override !== undefined && overridable ? { from: decided, reason: input.override } : null;
  const verdict: Verdict = overridden === null ? decided : 'GO';
  const rollback = rollbackOf(input, ctx, found.migrations.migrations);
  const partial = { timing };
  const summary =
    overridden === null
      ? summarise(verdict, score, factors, gates, partial, input)
      : `OVERRIDDEN ${overridden.from} → GO: "${overridden.reason}". ${summarise(overridden.from, score, factors, gates, partial, input)}`;
  return {
    schemaVersion: 'deployadvisor.plan/1',
    tool: { name: 'deployadvisor', version: input.toolVersion },
    env: input.env,
    verdict,
    overridden,
    exitCode: exitCodeFor(verdict, input.failOn),
    failOn: input.failOn,
    score,
    summary,
    thresholds: { waitAt: thresholds.waitAt, blockAt: thresholds.blockAt, riskyAt: thresholds.riskyAt },
    factors,
    gates,
    timing,
    rollback,
    lineage,
    coverage: coverageSection(input, found.tests),
    sources: live.results,
    range: rangeSection(input.facts),
    zones: ctx.zones.map((touch) => ({
      name: touch.zone.name,
      risk: touch.risk,
      files: touch.files,
      owners: touch.zone.owners,
    })),
    policy: input.policySource,
    diagnostics: [...input.facts.diagnostics, ...(input.coverage?.diagnostics ?? [])],
    inputsDigest: input.inputsDigest,
    estimate: planEstimate(
      model,
      model.source === 'prior' ? RISK_PRIOR.hotfixDays : input.policy.model.hotfixDays,
    ),
    model: modelSection(input.policy),
  };
}
