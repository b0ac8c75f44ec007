import { judgeDeploy, judgeMetric, VERIFY_EXIT } from '../assess/verify.js';
import type { Interval, MetricInput, VerifyResult } from '../assess/verify-types.js';
import type { MetricSource } from '../config/sources-schema.js';
import type { VerifyDirection, VerifyPolicy } from '../config/verify-schema.js';
import type { Policy } from '../config/schema.js';
import { UserError } from '../errors.js';
import type { LedgerRecord } from '../ledger/record.js';
import { VERSION } from '../version.js';
import type { AppPorts } from './ports.js';

/** The most samples a window asks for: the step grows past verify.stepSeconds to keep under it. */
const MAX_SAMPLES = 500;
const MINUTE = 60_000;

/** A metric verify judges: its source and the settings that apply to it. */
export interface VerifyTarget {
  source: MetricSource & { provider: 'prometheus' | 'datadog' };
  direction: VerifyDirection;
  tolerance: number;
  baseline: string;
  critical: boolean;
}

const rangeable = (source: MetricSource): source is VerifyTarget['source'] =>
  source.provider === 'prometheus' || source.provider === 'datadog';

function directionOf(source: MetricSource): VerifyDirection {
  if (source.max !== undefined && source.min !== undefined) return 'both';
  return source.max !== undefined ? 'higher' : 'lower';
}

/**
 * The metrics to judge: verify.metrics (each naming a prometheus or datadog source), else every such
 * health metric in sources.metrics. A name that is not one is a configuration error naming the key.
 */
export function verifyTargets(policy: Policy, policyPath: string): VerifyTarget[] {
  const { verify, sources } = policy;
  if (verify.metrics === undefined) {
    return sources.metrics
      .filter(rangeable)
      .filter((source) => source.role === 'health')
      .map((source) => ({
        source,
        direction: directionOf(source),
        tolerance: verify.tolerance,
        baseline: verify.baseline,
        critical: false,
      }));
  }
  return verify.metrics.map((metric, index) => {
    const source = sources.metrics.find((candidate) => candidate.name === metric.source);
    const key = `${policyPath}: verify.metrics[${index}].source`;
    if (source === undefined) {
      const known = sources.metrics.filter(rangeable).map((s) => s.name);
      throw new UserError(
        `${key}: "${metric.source}" is not a metric in sources.metrics; expected one of: ${known.length === 0 ? '(none configured)' : known.join(', ')}.`,
      );
    }
    if (!rangeable(source)) {
      throw new UserError(
        `${key}: "${metric.source}" is an ${source.provider} source; verify needs a prometheus or datadog metric (range queries).`,
      );
    }
    return {
      source,
      direction: metric.direction ?? directionOf(source),
      tolerance: metric.tolerance ?? verify.tolerance,
      baseline: metric.baseline ?? verify.baseline,
      critical: metric.critical,
    };
  });
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Milliseconds of a `24h` / `7d` / `1w` baseline offset. */
function offsetMs(baseline: string): number {
  const match = /^(\d+)([hdw])$/.exec(baseline);
  if (match === null) return 0;
  return Number(match[1]) * { h: 60, d: 1440, w: 10_080 }[match[2] as 'h' | 'd' | 'w'] * MINUTE;
}

/** The deploy's windows: the after window opens when the rollout is done and lasts windowMinutes. */
export interface DeployWindows {
  startedAt: number;
  afterFrom: number;
  closesAt: number;
}

export function windowsOf(started: LedgerRecord, deployMinutes: number, verify: VerifyPolicy): DeployWindows {
  const startedAt = Date.parse(started.at);
  const afterFrom = startedAt + deployMinutes * MINUTE;
  return { startedAt, afterFrom, closesAt: afterFrom + verify.windowMinutes * MINUTE };
}

function baselineOf(
  target: VerifyTarget,
  windows: DeployWindows,
  until: number,
): { from: number; to: number } {
  if (target.baseline === 'before') {
    return { from: windows.startedAt - (windows.closesAt - windows.afterFrom), to: windows.startedAt };
  }
  const back = offsetMs(target.baseline);
  return { from: windows.afterFrom - back, to: Math.max(windows.afterFrom, until) - back };
}

function stepFor(span: number, verify: VerifyPolicy): number {
  return Math.max(verify.stepSeconds, Math.ceil(span / 1000 / MAX_SAMPLES));
}

export interface Round {
  env: string;
  started: LedgerRecord;
  deployMinutes: number;
  windows: DeployWindows;
  targets: VerifyTarget[];
  policy: Policy;
}

/** One judgement of the deploy as of `now`: both windows of every metric asked, then judged. */
export async function judgeRound(ports: AppPorts, round: Round, now: number): Promise<VerifyResult> {
  const { windows, policy } = round;
  const { verify } = policy;
  const until = Math.min(now, windows.closesAt);
  const { collectRanges } = await import('../collect/sources/metric-range.js');
  const metrics = await Promise.all(
    round.targets.map(async (target) => {
      const baseline = baselineOf(target, windows, until);
      const step = stepFor(windows.closesAt - windows.afterFrom, verify);
      const asked = [{ ...baseline, stepSeconds: step }];
      if (until > windows.afterFrom) asked.push({ from: windows.afterFrom, to: until, stepSeconds: step });
      const [before, after] = await collectRanges(target.source, asked, {
        env: ports.env,
        timeoutMs: policy.sources.timeoutMs,
        dispatcher: ports.dispatcher,
      });
      const input: MetricInput = {
        name: target.source.name,
        provider: target.source.provider,
        query: target.source.query ?? '',
        direction: target.direction,
        tolerance: target.tolerance,
        critical: target.critical,
        onError: target.source.onError,
        onNoData: target.source.onNoData,
        baseline: before ?? { status: 'ok', values: [], series: 0 },
        after: after ?? { status: 'ok', values: [], series: 0 },
      };
      const interval: Interval = { from: iso(baseline.from), to: iso(baseline.to) };
      return judgeMetric(input, {
        alpha: verify.alpha,
        minSamples: verify.minSamples,
        baseline: { ...interval, kind: target.baseline === 'before' ? 'before' : 'offset' },
      });
    }),
  );
  const complete = now >= windows.closesAt;
  const judged = judgeDeploy(metrics, { complete, to: iso(windows.closesAt) });
  return {
    schemaVersion: 'deployadvisor.verify/1',
    tool: { name: 'deployadvisor', version: VERSION },
    verdict: judged.verdict,
    exitCode: VERIFY_EXIT[judged.verdict],
    env: round.env,
    deploy: {
      sha: round.started.sha,
      startedId: round.started.id,
      startedSeq: round.started.seq,
      startedAt: round.started.at,
      deployMinutes: round.deployMinutes,
    },
    now: iso(now),
    window: {
      from: iso(windows.afterFrom),
      to: iso(windows.closesAt),
      until: iso(Math.max(until, windows.afterFrom)),
      complete,
    },
    alpha: verify.alpha,
    metrics,
    reasons: judged.reasons,
    failedFast: judged.failedFast,
    rounds: 1,
    recorded: null,
  };
}
