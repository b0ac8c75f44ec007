import { EXIT } from '../errors.js';
import { hodgesLehmann, mannWhitney, type Alternative } from './mann-whitney.js';
import { median } from './stats.js';
import type {
  Interval,
  MetricInput,
  MetricJudgement,
  VerifyResult,
  VerifyVerdict,
  WindowSamples,
} from './verify-types.js';

/**
 * The verify judge (docs/verify.md), pure: per metric a Mann-Whitney U test of the window after the
 * deploy against its baseline, in the direction that is bad, and an effect-size tolerance so a tiny but
 * significant shift passes; then one verdict for the deploy.
 */

export const VERIFY_EXIT: Record<VerifyVerdict, number> = {
  PASS: EXIT.go,
  FAIL: EXIT.block,
  INCONCLUSIVE: EXIT.inconclusive,
};

/** A number for a sentence: four significant digits, no exponent for ordinary sizes. */
export function metricNumber(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e-4 && abs < 1e9) return String(Number(value.toPrecision(4)));
  return value.toExponential(3);
}

export function pValue(p: number): string {
  return p < 0.0001 ? 'p<0.0001' : `p=${Number(p.toPrecision(2))}`;
}

function signedPercent(ratio: number): string {
  const rounded = Math.round(ratio * 1000) / 10;
  return `${rounded >= 0 ? '+' : ''}${rounded}%`;
}

const ALTERNATIVE: Record<MetricInput['direction'], Alternative> = {
  higher: 'greater',
  lower: 'less',
  both: 'two-sided',
};

export interface JudgeSettings {
  alpha: number;
  minSamples: number;
  baseline: Interval & { kind: 'before' | 'offset' };
}

/** Finite values only: a NaN or Inf sample (a division by zero in PromQL) says nothing about a shift. */
function usable(window: WindowSamples): number[] {
  return window.status === 'ok' ? window.values.filter(Number.isFinite) : [];
}

/** The judgement of one metric. */
export function judgeMetric(input: MetricInput, settings: JudgeSettings): MetricJudgement {
  const baseline = usable(input.baseline);
  const after = usable(input.after);
  const common = {
    name: input.name,
    provider: input.provider,
    query: input.query,
    direction: input.direction,
    critical: input.critical,
    baseline: settings.baseline,
    samples: { baseline: baseline.length, after: after.length },
    median: { baseline: median(baseline), after: median(after) },
    tolerance: input.tolerance,
  };
  const none = { shift: null, relativeShift: null, u: null, p: null };
  const down = [input.baseline, input.after].find((w) => w.status === 'unavailable');
  if (down !== undefined && down.status === 'unavailable') {
    return { ...common, ...none, status: 'unavailable', summary: down.reason, onMissing: input.onError };
  }
  const short = [
    ...(baseline.length < settings.minSamples ? [`${baseline.length} in the baseline window`] : []),
    ...(after.length < settings.minSamples ? [`${after.length} after the deploy`] : []),
  ];
  if (short.length > 0) {
    return {
      ...common,
      ...none,
      status: 'no-data',
      summary: `too few samples: ${short.join(', ')} (at least ${settings.minSamples} needed in each window)`,
      onMissing: input.onNoData,
    };
  }
  const test = mannWhitney(after, baseline, ALTERNATIVE[input.direction]);
  const shift = hodgesLehmann(after, baseline) ?? 0;
  const before = common.median.baseline ?? 0;
  const relativeShift = before === 0 ? null : shift / Math.abs(before);
  const p = test?.p ?? 1;
  const beyond = relativeShift === null ? shift !== 0 : Math.abs(relativeShift) > input.tolerance;
  const bad = (shift > 0 && input.direction !== 'lower') || (shift < 0 && input.direction !== 'higher');
  const status = p < settings.alpha && beyond && bad ? (shift > 0 ? 'high' : 'low') : 'pass';
  const medians = `median ${metricNumber(before)} → ${metricNumber(common.median.after ?? 0)}`;
  const effect = relativeShift === null ? `shift ${metricNumber(shift)}` : signedPercent(relativeShift);
  const tolerance = `the ${Math.round(input.tolerance * 1000) / 10}% tolerance`;
  const summary =
    status !== 'pass'
      ? `${status === 'high' ? 'higher' : 'lower'} after the deploy: ${medians} (${effect}, ${pValue(p)}), beyond ${tolerance}`
      : p >= settings.alpha
        ? `no significant ${{ higher: 'rise', lower: 'fall', both: 'shift' }[input.direction]}: ${medians} (${effect}, ${pValue(p)})`
        : `a significant shift within ${tolerance}: ${medians} (${effect}, ${pValue(p)})`;
  return {
    ...common,
    status,
    shift,
    relativeShift,
    u: test?.u ?? null,
    p,
    summary,
    onMissing: null,
  };
}

/** The deploy's verdict from its metrics' judgements, and why. */
export function judgeDeploy(
  metrics: readonly MetricJudgement[],
  window: { complete: boolean; to: string },
): { verdict: VerifyVerdict; reasons: string[]; failedFast: boolean } {
  const failing = metrics.filter((m) => m.status === 'high' || m.status === 'low');
  const said = (m: MetricJudgement) => `${m.name}: ${m.summary}`;
  const critical = failing.filter((m) => m.critical);
  if (critical.length > 0 && !window.complete) {
    return { verdict: 'FAIL', reasons: critical.map((m) => `${said(m)} (critical)`), failedFast: true };
  }
  const missing = metrics.filter(
    (m) => (m.status === 'no-data' || m.status === 'unavailable') && m.onMissing !== 'ignore',
  );
  const missingReason = (m: MetricJudgement) =>
    `${said(m)} (${m.status === 'unavailable' ? 'onError' : 'onNoData'}: ${m.onMissing})`;
  if (!window.complete) {
    return {
      verdict: 'INCONCLUSIVE',
      reasons: [
        `the window is open until ${window.to}: run verify again then, or with --watch`,
        ...failing.map(said),
        ...missing.map(missingReason),
      ],
      failedFast: false,
    };
  }
  const blocking = missing.filter((m) => m.onMissing === 'block');
  if (failing.length > 0 || blocking.length > 0) {
    return {
      verdict: 'FAIL',
      reasons: [...failing.map(said), ...blocking.map(missingReason)],
      failedFast: false,
    };
  }
  if (missing.length > 0)
    return { verdict: 'INCONCLUSIVE', reasons: missing.map(missingReason), failedFast: false };
  if (!metrics.some((m) => m.status === 'pass')) {
    return { verdict: 'INCONCLUSIVE', reasons: ['no metric could be judged'], failedFast: false };
  }
  return {
    verdict: 'PASS',
    reasons: [`${metrics.filter((m) => m.status === 'pass').length} of ${metrics.length} metrics held`],
    failedFast: false,
  };
}

/** The ledger reason of a verification: the metrics that failed with their values, or what held. */
export function verifyReason(result: Pick<VerifyResult, 'verdict' | 'reasons'>): string {
  return `verify ${result.verdict}: ${result.reasons.join('; ')}`;
}
