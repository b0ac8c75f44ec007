import type { ModelAssessment } from './factors/model.js';
import type { PlanInput } from './plan-input.js';
import type { Factor, Gate, Plan, Verdict } from './plan-types.js';
import { byText, short } from './text.js';

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

export function summarise(
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

function round4(value: number): number {
  return Number(value.toFixed(4));
}

/** What the deploy-level calibration was fitted on, in words. */
function unitsText(deploy: ModelAssessment['deploy']): string {
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

/** The score scale in words, when the repository has its own (calibrate). */
function scaleText(deploy: ModelAssessment['deploy']): string {
  if (deploy.scale === undefined) return '';
  const [risky, wait, block] = deploy.scale.map((p) => `${Math.round(p * 100)}%`);
  return ` The score is on this repository's own scale: an estimate of ${risky ?? ''} scores 30, ${wait ?? ''} scores 50 and ${block ?? ''} scores 75 (its riskiest 13%, 5% and 1% of those units).`;
}

/** The estimate in words: exactly what was modelled, against what is usual here. */
export function planEstimate(model: ModelAssessment, hotfixDays: number): Plan['estimate'] {
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
      : `Estimated chance this deploy needs a rollback or a hotfix within ${hotfixDays} days: ${pct(result.probability)} (a median change: ${pct(result.usual)}). Model: ${source}; deploy-level figures calibrated on ${unitsText(model.deploy)}.${scaleText(model.deploy)}`;
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
