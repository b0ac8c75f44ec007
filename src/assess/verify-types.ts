import type { OnError } from '../config/sources-schema.js';
import type { VerifyDirection } from '../config/verify-schema.js';

/** The verdicts of `verify` (docs/verify.md): the deploy held, it broke, or the evidence is missing. */
export const VERIFY_VERDICTS = ['PASS', 'FAIL', 'INCONCLUSIVE'] as const;
export type VerifyVerdict = (typeof VERIFY_VERDICTS)[number];

/** One metric's judgement: no significant bad shift, significantly higher or lower, or nothing to judge. */
export const METRIC_STATUSES = ['pass', 'high', 'low', 'no-data', 'unavailable'] as const;
export type MetricStatus = (typeof METRIC_STATUSES)[number];

/** What a range query answered for one window. */
export type WindowSamples =
  { status: 'ok'; values: number[]; series: number } | { status: 'unavailable'; reason: string };

/** A metric as the judge gets it: its settings and the samples of both windows. */
export interface MetricInput {
  name: string;
  provider: 'prometheus' | 'datadog';
  query: string;
  direction: VerifyDirection;
  tolerance: number;
  critical: boolean;
  onError: OnError;
  onNoData: OnError;
  baseline: WindowSamples;
  after: WindowSamples;
}

export interface Interval {
  from: string;
  to: string;
}

export interface MetricJudgement {
  name: string;
  provider: 'prometheus' | 'datadog';
  query: string;
  direction: VerifyDirection;
  critical: boolean;
  status: MetricStatus;
  /** The baseline window (before the deploy, or a duration back). */
  baseline: Interval & { kind: 'before' | 'offset' };
  samples: { baseline: number; after: number };
  median: { baseline: number | null; after: number | null };
  /** Hodges-Lehmann shift after - baseline, in the metric's unit. */
  shift: number | null;
  /** The shift relative to the baseline median (0.5 = +50%); null when that median is 0 or unknown. */
  relativeShift: number | null;
  tolerance: number;
  u: number | null;
  p: number | null;
  /** One plain sentence: why this status. */
  summary: string;
  /** What an outage or no data does (onError / onNoData of the source), when that is the status. */
  onMissing: OnError | null;
}

export interface VerifyResult {
  schemaVersion: 'deployadvisor.verify/1';
  tool: { name: 'deployadvisor'; version: string };
  verdict: VerifyVerdict;
  exitCode: number;
  env: string;
  deploy: {
    sha: string;
    /** The `started` record the deploy was found from. */
    startedId: string;
    startedSeq: number;
    startedAt: string;
    deployMinutes: number;
  };
  /** The instant judged (--now, or the clock). */
  now: string;
  window: {
    /** The after window: from the end of the rollout (start + deployMinutes) to `to`, judged up to `until`. */
    from: string;
    to: string;
    until: string;
    complete: boolean;
  };
  alpha: number;
  metrics: MetricJudgement[];
  /** Why the verdict, one sentence each (the failing metrics with their values first). */
  reasons: string[];
  /** True when --watch stopped early because a critical metric failed. */
  failedFast: boolean;
  /** Rounds judged: 1 without --watch. */
  rounds: number;
  /** The ledger record --record appended, or why none was. */
  recorded: { type: 'succeeded' | 'failed'; seq: number; id: string } | { skipped: string } | null;
}
