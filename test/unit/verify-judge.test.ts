import { describe, expect, it } from 'vitest';
import { hodgesLehmann, mannWhitney, normalUpperTail } from '../../src/assess/mann-whitney.js';
import { judgeDeploy, judgeMetric, type JudgeSettings } from '../../src/assess/verify.js';
import type { MetricInput, MetricJudgement } from '../../src/assess/verify-types.js';

/**
 * The judge's statistics against values worked by hand (each case shows its arithmetic), and the
 * judge's decisions (direction, tolerance, too few samples, outages) from small inputs.
 */

describe('Mann-Whitney U, normal approximation with tie and continuity corrections', () => {
  it('no overlap, no ties: after 6..10 against before 1..5', () => {
    // U = 25 (every pair), mean 12.5, var = 5*5/12*(10+1) = 22.9167, sd 4.78714;
    // greater: z = (25 - 12.5 - 0.5) / 4.78714 = 2.50672, p = Q(2.50672) = 0.0060929.
    const test = mannWhitney([6, 7, 8, 9, 10], [1, 2, 3, 4, 5], 'greater');
    expect(test?.u).toBe(25);
    expect(test?.z).toBeCloseTo(2.50672, 5);
    expect(test?.p).toBeCloseTo(0.0060929, 6);
  });

  it('ties: after [2,3,3,3] against before [1,1,2,2]', () => {
    // Combined 1,1,2,2,2,3,3,3: mid-ranks 1.5, 4, 7. After's rank sum 4 + 3*7 = 25, U = 25 - 4*5/2 = 15.
    // Tie term (2^3-2) + (3^3-3) + (3^3-3) = 54; var = 16/12 * (9 - 54/56) = 10.7143, sd 3.27327.
    // greater: z = (15 - 8 - 0.5) / 3.27327 = 1.98578, p = 0.023529; two-sided: 2p = 0.047057.
    const greater = mannWhitney([2, 3, 3, 3], [1, 1, 2, 2], 'greater');
    expect(greater?.u).toBe(15);
    expect(greater?.z).toBeCloseTo(1.98578, 5);
    expect(greater?.p).toBeCloseTo(0.023529, 5);
    expect(mannWhitney([2, 3, 3, 3], [1, 1, 2, 2], 'two-sided')?.p).toBeCloseTo(0.047057, 5);
  });

  it('less: after [1,2,2,5] against before [3,3,4,6,7]', () => {
    // Ranks of 1,2,2,3,3,4,5,6,7: 1, 2.5, 2.5, 4.5, 4.5, 6, 7, 8, 9. After: 1+2.5+2.5+7 = 13, U = 13 - 10 = 3.
    // Ties 6 + 6 = 12; var = 20/12 * (10 - 12/72) = 16.3889, sd 4.04831;
    // less: z = (3 - 10 + 0.5) / 4.04831 = -1.6056, p = 0.054180.
    const test = mannWhitney([1, 2, 2, 5], [3, 3, 4, 6, 7], 'less');
    expect(test?.u).toBe(3);
    expect(test?.z).toBeCloseTo(-1.6056, 4);
    expect(test?.p).toBeCloseTo(0.05418, 5);
  });

  it('all values equal: no variance, p = 1; an empty or non-finite sample: no test', () => {
    expect(mannWhitney([1, 1, 1], [1, 1], 'two-sided')).toEqual({ u: 3, z: 0, p: 1 });
    expect(mannWhitney([], [1, 2], 'greater')).toBeNull();
    expect(mannWhitney([1, NaN], [1, 2], 'greater')).toBeNull();
  });

  it('the normal tail: Q(0) = 0.5, Q(1.96) = 0.025, Q(-1.96) = 0.975', () => {
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 7);
    expect(normalUpperTail(1.959964)).toBeCloseTo(0.025, 6);
    expect(normalUpperTail(-1.959964)).toBeCloseTo(0.975, 6);
  });

  it('Hodges-Lehmann: the median of the pairwise differences', () => {
    // Differences of [3,5] minus [1,2]: 2, 1, 4, 3 -> median (2+3)/2 = 2.5.
    expect(hodgesLehmann([3, 5], [1, 2])).toBe(2.5);
    // [10] minus [1,2,4]: 9, 8, 6 -> 8.
    expect(hodgesLehmann([10], [1, 2, 4])).toBe(8);
    expect(hodgesLehmann([], [1])).toBeNull();
  });
});

const SETTINGS: JudgeSettings = {
  alpha: 0.05,
  minSamples: 5,
  baseline: { from: '2026-11-18T09:30:00Z', to: '2026-11-18T10:00:00Z', kind: 'before' },
};
const ok = (values: number[]) => ({ status: 'ok' as const, values, series: 1 });
function input(before: number[], after: number[], more: Partial<MetricInput> = {}): MetricInput {
  return {
    name: 'errors',
    provider: 'prometheus',
    query: 'q',
    direction: 'higher',
    tolerance: 0.1,
    critical: false,
    onError: 'wait',
    onNoData: 'wait',
    baseline: ok(before),
    after: ok(after),
    ...more,
  };
}
const ramp = (base: number, step: number, n = 10) => Array.from({ length: n }, (_, i) => base + i * step);

describe('judgeMetric', () => {
  it('a doubled metric is high, a halved one low only when lower is bad', () => {
    expect(judgeMetric(input(ramp(10, 0.1), ramp(20, 0.1)), SETTINGS).status).toBe('high');
    expect(judgeMetric(input(ramp(10, 0.1), ramp(5, 0.1)), SETTINGS).status).toBe('pass');
    expect(judgeMetric(input(ramp(10, 0.1), ramp(5, 0.1), { direction: 'lower' }), SETTINGS).status).toBe(
      'low',
    );
    expect(judgeMetric(input(ramp(10, 0.1), ramp(5, 0.1), { direction: 'both' }), SETTINGS).status).toBe(
      'low',
    );
    expect(
      judgeMetric(input(ramp(10, 0.1), ramp(20, 0.1), { direction: 'lower' }), SETTINGS).summary,
    ).toMatch(/^no significant fall: median 10\.45 → 20\.45 \(\+95\.7%, p=1\)$/);
  });

  it('a significant shift inside the tolerance passes; the same shift beyond it fails', () => {
    // 10.00..10.09 against 10.50..10.59: every pair higher, HL shift 0.5, median 10.045 -> +4.98%.
    const judged = judgeMetric(input(ramp(10, 0.01), ramp(10.5, 0.01)), SETTINGS);
    expect(judged.status).toBe('pass');
    expect(judged.p).toBeLessThan(0.001);
    expect(judged.shift).toBeCloseTo(0.5, 9);
    expect(judged.relativeShift).toBeCloseTo(0.5 / 10.045, 9);
    expect(judgeMetric(input(ramp(10, 0.01), ramp(10.5, 0.01), { tolerance: 0.04 }), SETTINGS).status).toBe(
      'high',
    );
  });

  it('from a zero baseline any significant rise fails (no relative shift)', () => {
    const judged = judgeMetric(input(Array<number>(10).fill(0), ramp(0.01, 0.001)), SETTINGS);
    expect(judged.status).toBe('high');
    expect(judged.relativeShift).toBeNull();
  });

  it('too few samples is no data; an outage is unavailable; NaN and Inf samples are left out', () => {
    const few = judgeMetric(input(ramp(1, 1), [1, 2]), SETTINGS);
    expect(few.status).toBe('no-data');
    expect(few.summary).toBe('too few samples: 2 after the deploy (at least 5 needed in each window)');
    expect(few.onMissing).toBe('wait');
    const down = judgeMetric(
      input([], [], { after: { status: 'unavailable', reason: 'timed out' }, onError: 'block' }),
      SETTINGS,
    );
    expect(down).toMatchObject({ status: 'unavailable', summary: 'timed out', onMissing: 'block' });
    const odd = judgeMetric(input(ramp(1, 0.1), [NaN, Infinity, -Infinity, ...ramp(1, 0.1)]), SETTINGS);
    expect(odd.samples).toEqual({ baseline: 10, after: 10 });
    expect(odd.status).toBe('pass');
  });
});

const judgement = (
  status: MetricJudgement['status'],
  more: Partial<MetricJudgement> = {},
): MetricJudgement => ({
  ...judgeMetric(input(ramp(1, 1), ramp(1, 1)), SETTINGS),
  status,
  ...more,
});

describe('judgeDeploy', () => {
  const closed = { complete: true, to: '2026-11-18T10:40:00Z' };
  const open = { complete: false, to: '2026-11-18T10:40:00Z' };
  it.each([
    ['all pass', [judgement('pass')], closed, 'PASS'],
    ['one high', [judgement('pass'), judgement('high')], closed, 'FAIL'],
    ['high but window open', [judgement('high')], open, 'INCONCLUSIVE'],
    ['critical high, window open', [judgement('high', { critical: true })], open, 'FAIL'],
    ['no data, onNoData wait', [judgement('no-data', { onMissing: 'wait' })], closed, 'INCONCLUSIVE'],
    ['down, onError block', [judgement('unavailable', { onMissing: 'block' })], closed, 'FAIL'],
    [
      'down, onError block, window open',
      [judgement('unavailable', { onMissing: 'block' })],
      open,
      'INCONCLUSIVE',
    ],
    [
      'down and ignored, one pass',
      [judgement('unavailable', { onMissing: 'ignore' }), judgement('pass')],
      closed,
      'PASS',
    ],
    ['everything ignored', [judgement('no-data', { onMissing: 'ignore' })], closed, 'INCONCLUSIVE'],
  ] as const)('%s', (_name, metrics, window, verdict) => {
    expect(judgeDeploy(metrics, window).verdict).toBe(verdict);
  });
});
