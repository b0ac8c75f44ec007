import { DEFAULT_ENVIRONMENT, type Policy } from '../config/schema.js';
import { DEPLOYED_COMMIT_MISSING, type CommitFacts, type CoverageFacts, type GitFacts } from './facts.js';
import { assessModel, modelFactors } from './factors/model.js';
import type { PolicyFactor } from './risk-score.js';
import { RISK_PRIOR } from './risk-prior.js';
import { buildContext, lineCount } from './context.js';
import { byText, listSome, short } from './text.js';
import { pathMatcher } from './path-globs.js';
import { aiFactor, lineageSummary } from './factors/ai.js';
import { migrationsFactor } from './factors/migrations.js';
import { reviewFactor } from './factors/review.js';
import { sizeFactor } from './factors/size.js';
import { testsFactor } from './factors/tests.js';
import { zonesFactor } from './factors/zones.js';
import { historyFactor, type HistoryCounts } from './factors/history.js';
import { localSlot } from './deploy-history.js';
import type { FailOn, Factor, Gate, Plan, ReviewEvidence, Verdict } from './plan-types.js';
import { planRollback } from './rollback.js';
import { assessTiming } from './timing.js';
import { assessSources, type SourceFacts } from './sources.js';
import { decideVerdict, exitCodeFor } from './verdict.js';

export interface PlanInput {
  facts: GitFacts;
  /** Coverage as collected, or null when none was looked for. */
  coverage: CoverageFacts | null;
  policy: Policy;
  policySource: Plan['policy'];
  env: string;
  /** The instant to evaluate at, in epoch ms: `--now` or the clock, passed in. */
  now: number;
  failOn: FailOn;
  override: string | undefined;
  toolVersion: string;
  inputsDigest: string;
  /** What the live sources reported (absent: none were asked, as in `explain`). */
  sources?: readonly SourceFacts[];
  /** Past deploys of the env, counted by cohort (absent or null: no ledger history was read). */
  history?: HistoryCounts | null;
  /** The repository's changes before the range, newest first: what the risk model measures against. */
  priorChanges?: readonly CommitFacts[];
}

function policyGates(
  policy: Policy,
  review: ReturnType<typeof reviewFactor>,
  migrations: ReturnType<typeof migrationsFactor>,
  zones: ReturnType<typeof buildContext>['zones'],
  tests: ReturnType<typeof testsFactor>,
): Gate[] {
  const gates: Gate[] = [];
  const hard = new Set(policy.thresholds.hardGates);
  for (const violation of review.violations) {
    gates.push({
      id: 'review-required',
      kind: 'policy',
      level: hard.has('review') ? 'block' : 'wait',
      title: `Review required in ${violation.zone}`,
      reason: `Zone ${violation.zone} requires review, and ${violation.commits.length} commit(s) touching it have none (${violation.commits.map((sha) => sha.slice(0, 10)).join(', ')}).`,
      until: null,
    });
  }
  if (hard.has('migrations')) {
    for (const migration of migrations.irreversible) {
      gates.push({
        id: 'irreversible-migration',
        kind: 'policy',
        level: 'block',
        title: 'Irreversible migration',
        reason: `${migration.path} cannot be rolled back (${migration.reason}); thresholds.hardGates lists migrations.`,
        until: null,
      });
    }
  }
  if (hard.has('tests')) {
    for (const zone of tests.belowMin) {
      gates.push({
        id: 'coverage-below-min',
        kind: 'policy',
        level: 'block',
        title: `Coverage below minimum in ${zone.name}`,
        reason:
          zone.measured === 0
            ? `No coverage report measures the ${zone.changed} changed line(s) in ${zone.name}, so its minPatchCoverage of ${zone.min ?? 0}% is not shown to be met; thresholds.hardGates lists tests.`
            : `${zone.covered} of ${zone.measured} changed lines in ${zone.name} ran under test, below its minPatchCoverage of ${zone.min ?? 0}%; thresholds.hardGates lists tests.`,
        until: null,
      });
    }
  }
  if (hard.has('zones')) {
    for (const touch of zones.filter((t) => t.risk >= 100)) {
      gates.push({
        id: 'critical-zone',
        kind: 'policy',
        level: 'block',
        title: `Critical zone ${touch.zone.name}`,
        reason: `The change touches the critical zone ${touch.zone.name} (${listSome(touch.files, 2)}); thresholds.hardGates lists zones, so a person decides.`,
        until: null,
      });
    }
  }
  return gates;
}

function evidenceGates(input: PlanInput): Gate[] {
  const { facts, policy } = input;
  const gates: Gate[] = [];
  const missing = facts.diagnostics.find((d) => d.id === DEPLOYED_COMMIT_MISSING);
  if (missing !== undefined) {
    gates.push({
      id: DEPLOYED_COMMIT_MISSING,
      kind: 'evidence',
      level: 'inconclusive',
      title: 'Deployed commit missing from this clone',
      reason: `${missing.message} ${missing.remedy ?? ''}`.trim(),
      until: null,
    });
  }
  if (facts.shallow.rangeTruncated && policy.git.shallow === 'inconclusive') {
    const diagnostic = facts.diagnostics.find((d) => d.id === 'shallow-clone');
    gates.push({
      id: 'shallow-history',
      kind: 'evidence',
      level: 'inconclusive',
      title: 'Shallow clone',
      reason: `${diagnostic?.message ?? 'The history is cut off.'} ${diagnostic?.remedy ?? ''}`.trim(),
      until: null,
    });
  }
  return gates;
}

/**
 * A target that lacks commits running now takes them out: a downgrade (a rollback in disguise) or a
 * diverged target (a hotfix deployed from a branch the target lacks). Either needs a person.
 */
function droppedGates(input: PlanInput): Gate[] {
  const { facts, policy, env } = input;
  const dropped = facts.dropped;
  if (dropped === undefined || facts.base.sha === null) return [];
  const runs = short(facts.base.sha);
  const target = short(facts.target.sha);
  const where =
    facts.base.source === 'ledger'
      ? `the ledger's last successful deploy`
      : facts.base.source === 'from'
        ? `--from ${facts.base.ref ?? ''}`
        : facts.base.ref;
  const listed = dropped.commits.map((commit) => `${short(commit.sha)} "${commit.subject}"`);
  const commits =
    dropped.total > listed.length
      ? `${listed.join(', ')}, +${dropped.total - listed.length} more`
      : listed.join(', ');
  const isMigration = pathMatcher(policy.migrations.paths);
  const migrations = facts.diff
    .filter((file) => file.status === 'deleted' && isMigration(file.path))
    .map((file) => file.path);
  const applied =
    migrations.length === 0
      ? ''
      : ` Migrations that shipped with them stay applied (${listSome(migrations)}): the target's code must work with them.`;
  const gate = (id: 'downgrade' | 'drops-deployed-commits', title: string, reason: string): Gate => ({
    id,
    kind: 'policy',
    level: 'block',
    title,
    reason,
    until: null,
  });
  return [
    dropped.kind === 'downgrade'
      ? gate(
          'downgrade',
          `Downgrade: ${target} is older than what runs`,
          `${target} is an ancestor of ${runs} (${where}), which runs in ${env}: deploying it takes out ${dropped.total} commit(s): ${commits}.${applied} If this is a rollback, follow the rollback plan and record it (deployadvisor record rolled-back); else deploy a commit that contains what runs, or --override with the reason.`,
        )
      : gate(
          'drops-deployed-commits',
          `Target lacks ${dropped.total} deployed commit(s)`,
          `${target} does not contain ${dropped.total} commit(s) that run in ${env} (${where}, ${runs}): ${commits}. Deploying it takes them out.${applied} Merge them into the target first, or --override with the reason.`,
        ),
  ];
}

/** "Mon 23 Nov 22:00" after a start on the same day prints as "22:00". */
export function sameDay(startLocal: string, endLocal: string): string {
  return startLocal.slice(0, -6) === endLocal.slice(0, -6) ? endLocal.slice(-5) : endLocal;
}

function describeWhen(plan: Pick<Plan, 'timing'>): string {
  const next = plan.timing.nextWindow;
  if (next === null) return `no window in the next ${plan.timing.horizonDays} days`;
  if (next.open) return `window open now${next.endLocal === null ? '' : ` until ${next.endLocal}`}`;
  const end = next.endLocal === null ? '' : `–${sameDay(next.startLocal, next.endLocal)}`;
  return `next window ${next.startLocal}${end} ${plan.timing.timezone}`;
}

function summarise(
  verdict: Verdict,
  score: number,
  factors: readonly Factor[],
  gates: readonly Gate[],
  plan: Pick<Plan, 'timing'>,
  input: PlanInput,
): string {
  const top = factors
    .filter((f) => f.points > 0)
    .slice(0, 2)
    .map((f) => `${f.title.toLowerCase()} ${f.points}`);
  const why = top.length > 0 ? ` (mostly ${top.join(', ')})` : '';
  const firstGate = gates[0];
  switch (verdict) {
    case 'GO': {
      const { base, target } = input.facts;
      const { scope, commits } = input.facts;
      if (base.sha !== target.sha && scope !== undefined && commits.length === 0)
        return `Nothing to deploy for service ${scope.service}: none of the ${scope.outside} commit(s) since ${base.sha === null ? 'the root' : short(base.sha)} touches its paths (${scope.paths.join(', ')}).`;
      if (base.sha !== target.sha) return `Score ${score}/100${why}; no gate fires. Safe to deploy now.`;
      return base.source === 'from'
        ? `Nothing to deploy: --from ${base.ref ?? ''} is the target itself (0 commits).`
        : `Already running: ${short(target.sha)} is what ${input.env} runs (${base.note}); nothing to deploy.`;
    }
    case 'INCONCLUSIVE':
      // A source gate says which source and query in its reason; the others' titles say it all.
      return `Required evidence is missing: ${firstGate?.title ?? 'see diagnostics'}${firstGate?.kind === 'source' ? ` (${firstGate.reason.replace(/\.$/, '')})` : ''}. Score ${score}/100 is not trustworthy yet.`;
    case 'BLOCK':
      return firstGate?.level === 'block'
        ? `${firstGate.title}: ${firstGate.reason} Score ${score}/100${why}.`
        : `Score ${score}/100${why} is at or above blockAt; a person must decide (or --override).`;
    case 'WAIT':
      return firstGate?.kind === 'timing' || firstGate === undefined
        ? `${firstGate?.title ?? 'Wait'}; ${describeWhen(plan)}. Score ${score}/100${why}.`
        : `${firstGate.title}: ${firstGate.reason} Score ${score}/100${why}.`;
  }
}

/** The review evidence of the pull request that carried the target, as the first CI source reports it. */
export function pullRequestReview(sources: readonly SourceFacts[] | undefined): ReviewEvidence | null {
  for (const fact of sources ?? [])
    if (fact.outcome.status === 'ci' && fact.outcome.ci.review !== undefined) return fact.outcome.ci.review;
  return null;
}

/** Facts + policy + time → the deploy plan. Pure: same input, same plan. */
export function assessPlan(input: PlanInput): Plan {
  const ctx = buildContext(input.facts, input.policy);
  const lineage = lineageSummary(ctx);
  const review = reviewFactor(ctx, pullRequestReview(input.sources));
  const migrations = migrationsFactor(ctx);
  const tests = testsFactor(ctx, input.coverage);
  const policyFactors = [
    zonesFactor(ctx),
    aiFactor(ctx, lineage),
    tests.factor,
    review.factor,
    migrations.factor,
    historyFactor(
      input.history ?? null,
      {
        zone: ctx.zones[0]?.zone.name ?? null,
        ...localSlot(new Date(input.now).toISOString(), input.policy.timezone),
        aiShare: lineage.aiShare,
        lines: lineage.lines,
      },
      ctx.weights.history,
      `to ${input.env}`,
    ),
  ];
  // A finding that is the same for every change here says nothing: no coverage report anywhere.
  const noCoverage =
    (input.coverage?.reports.length ?? 0) === 0 && input.policy.coverage.reports.length === 0;
  const shares: Partial<Record<PolicyFactor, number>> = {};
  for (const factor of policyFactors) {
    const share = factor.max > 0 ? factor.points / factor.max : 0;
    shares[factor.id as PolicyFactor] = factor.id === 'tests' && noCoverage ? 0 : share;
  }
  const model = assessModel(ctx, input.priorChanges ?? [], shares, pullRequestReview(input.sources) !== null);
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
    ...modelFactors(model, sizeFactor(ctx)),
  ];
  const thresholds = input.policy.thresholds;
  // Findings no history can outweigh: a critical zone makes a deploy at least risky, an irreversible
  // migration makes it wait for a preferred window. The model's estimate stays as it is; the score is
  // raised and the points go to the finding.
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
    ...(migrations.irreversible.length > 0
      ? [
          {
            id: 'migrations',
            at: thresholds.waitAt,
            why: 'an irreversible migration makes any deploy wait for a preferred window (waitAt)',
          },
        ]
      : []),
  ].sort((a, b) => b.at - a.at);
  let score = estimate.score;
  const floor = floors[0];
  if (floor !== undefined && score < floor.at) {
    const factor = factors.find((f) => f.id === floor.id);
    if (factor !== undefined) {
      factor.points += floor.at - score;
      factor.summary = `${factor.summary} Score raised to ${floor.at}: ${floor.why}.`;
    }
    score = floor.at;
  }
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
    ...policyGates(input.policy, review, migrations, ctx.zones, tests),
    ...live.gates,
    ...timingGates,
  ].sort((a, b) => rank(b.level) - rank(a.level));
  const decided = decideVerdict(gates, score, thresholds.blockAt);
  const overridable = decided === 'WAIT' || decided === 'BLOCK';
  const overridden =
    input.override !== undefined && overridable ? { from: decided, reason: input.override } : null;
  const verdict: Verdict = overridden === null ? decided : 'GO';
  const biggest = [...ctx.codeFiles].sort((a, b) => lineCount(b) - lineCount(a) || byText(a.path, b.path));
  const rollback = planRollback({
    policy: input.policy,
    env: input.env,
    targetSha: input.facts.target.sha,
    previousSha: input.facts.deployedSha ?? input.facts.base.sha,
    migrations: migrations.migrations,
    zones: ctx.zones,
    riskiestFiles: biggest.slice(0, 3).map((file) => file.path),
  });
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
    coverage: {
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
    },
    sources: live.results,
    range: {
      from: input.facts.base.sha,
      fromSource: input.facts.base.source,
      fromRef: input.facts.base.ref,
      to: input.facts.target.sha,
      toRef: input.facts.target.ref,
      commits: input.facts.commits.length,
      files: input.facts.diff.length,
      note: input.facts.base.note,
      ...(input.facts.scope === undefined
        ? {}
        : {
            service: {
              name: input.facts.scope.service,
              paths: input.facts.scope.paths,
              outside: input.facts.scope.outside,
            },
          }),
    },
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
    model:
      input.policy.model.weights === undefined
        ? null
        : {
            fittedAt: input.policy.model.fittedAt ?? 'unknown',
            range: input.policy.model.range ?? 'unknown',
            changes: input.policy.model.changes ?? 0,
            heldOutAuc: input.policy.model.heldOutAuc ?? null,
            baselineAuc: input.policy.model.baselineAuc ?? null,
          },
  };
}

function round4(value: number): number {
  return Number(value.toFixed(4));
}

/** What the deploy-level calibration was fitted on, in words. */
function unitsText(deploy: ReturnType<typeof assessModel>['deploy']): string {
  if (deploy.units === 'days' && deploy.count === undefined)
    return "a day's changes across the prior's corpus";
  const what =
    { ledger: 'deploys in the ledger', tags: 'releases (tags)', days: "days' changes" }[deploy.units] ??
    deploy.units;
  const share =
    deploy.failedShare === undefined
      ? ''
      : `, ${Math.round(deploy.failedShare * 100)}% of them needed a rollback or fix`;
  return `this repository's ${deploy.count === undefined ? '' : `${deploy.count} `}${what}${share}`;
}

/** The estimate in words: exactly what was modelled, against what is usual here. */
function planEstimate(model: ReturnType<typeof assessModel>, hotfixDays: number): Plan['estimate'] {
  const { result } = model;
  const pct = (p: number) => `${p < 0.1 ? (p * 100).toFixed(1) : Math.round(p * 100)}%`;
  const riskiest = model.commits
    .map((c, i) => ({ sha: c.commit.sha, probability: round4(result.changeProbabilities[i] ?? 0) }))
    .sort((a, b) => b.probability - a.probability || byText(a.sha, b.sha))
    .slice(0, 3);
  const source =
    model.source === 'prior'
      ? 'the shipped prior, fitted on public histories (calibrate fits this repository)'
      : "this repository's calibrated model";
  const sentence =
    model.commits.length === 0
      ? 'No code changes to deploy (docs, tests, lock files or CI only, or nothing at all): nothing for the model to estimate.'
      : `Estimated chance this deploy needs a rollback or a hotfix within ${hotfixDays} days: ${pct(result.probability)} (a median change: ${pct(result.usual)}). Model: ${source}; deploy-level figures calibrated on ${unitsText(model.deploy)}.`;
  return {
    probability: round4(result.probability),
    usual: round4(result.usual),
    hotfixDays,
    model: model.source,
    units: model.deploy.units,
    comparedWith: model.profile,
    riskiest,
    sentence,
  };
}

function rank(level: Gate['level']): number {
  return level === 'block' ? 3 : level === 'inconclusive' ? 2 : 1;
}
