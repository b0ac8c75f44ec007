import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { median, rateRatio, rocAuc, smoothedRate, wilson } from '../../src/assess/stats.js';

const Z = 1.959964;

describe('wilson', () => {
  // Reference values worked from the formula with z = 1.959964 (z² = 3.841459):
  //   centre = (p + z²/2n) / (1 + z²/n),  half = z·√(p(1−p)/n + z²/4n²) / (1 + z²/n)
  // 9 of 31: p = 0.290323, 1 + z²/n = 1.123918, centre = 0.352282 / 1.123918 = 0.313441,
  //          half = 1.959964 · √(0.0066463 + 0.0009993) / 1.123918 = 0.152483 → [0.1610, 0.4659]
  // 0 of 10: low 0, high = z²/(n + z²) = 3.841459 / 13.841459 = 0.2775
  // 10 of 10: low = n/(n + z²) = 10 / 13.841459 = 0.7225, high 1
  // 50 of 100: centre 0.5, half = 1.959964 · √(0.0025 + 0.000096) / 1.038415 = 0.0962 → [0.4038, 0.5962]
  // 1 of 1: low = 1/(1 + z²) = 0.2065, high 1
  it.each([
    [9, 31, 0.161, 0.4659],
    [0, 10, 0, 0.2775],
    [10, 10, 0.7225, 1],
    [50, 100, 0.4038, 0.5962],
    [1, 1, 0.2065, 1],
  ])('%i of %i → [%f, %f]', (failed, n, low, high) => {
    const interval = wilson(failed, n);
    expect(interval).not.toBeNull();
    expect(interval?.low).toBeCloseTo(low, 4);
    expect(interval?.high).toBeCloseTo(high, 4);
  });

  it('pins the edges exactly: 0 of n has low 0, n of n has high 1', () => {
    expect(wilson(0, 7)?.low).toBe(0);
    expect(wilson(7, 7)?.high).toBe(1);
  });

  it('is null with no trials', () => {
    expect(wilson(0, 0)).toBeNull();
  });

  it('narrows with a smaller z', () => {
    const wide = wilson(9, 31);
    const narrow = wilson(9, 31, 1);
    expect(narrow?.low).toBeGreaterThan(wide?.low ?? Infinity);
    expect(narrow?.high).toBeLessThan(wide?.high ?? -Infinity);
  });

  it.each([
    [-1, 10],
    [11, 10],
    [Number.NaN, 10],
  ])('rejects %f of %i', (failed, n) => {
    expect(() => wilson(failed, n)).toThrow(RangeError);
  });

  it('always contains the observed proportion and stays in [0, 1]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, q) => {
        const failed = Math.round(q * n);
        const interval = wilson(failed, n);
        if (interval === null) return false;
        const p = failed / n;
        return interval.low >= 0 && interval.high <= 1 && interval.low <= p && p <= interval.high;
      }),
    );
  });
});

describe('rateRatio', () => {
  // 10/100 vs 5/100: RR = 2, SE(log RR) = √(1/10 − 1/100 + 1/5 − 1/100) = √0.28 = 0.529150,
  // z·SE = 1.037115, so [2·e^−1.037115, 2·e^1.037115] = [0.7090, 5.6421].
  it('10/100 vs 5/100', () => {
    const rr = rateRatio(10, 100, 5, 100);
    expect(rr?.value).toBeCloseTo(2, 12);
    expect(rr?.low).toBeCloseTo(0.709, 4);
    expect(rr?.high).toBeCloseTo(5.6421, 4);
  });

  // 12/40 vs 6/60: RR = 0.3/0.1 = 3, SE = √(1/12 − 1/40 + 1/6 − 1/60) = √0.208333 = 0.456435,
  // z·SE = 0.894597, so [3·e^−0.894597, 3·e^0.894597] = [1.2263, 7.3390].
  it('12/40 vs 6/60', () => {
    const rr = rateRatio(12, 40, 6, 60);
    expect(rr?.value).toBeCloseTo(3, 12);
    expect(rr?.low).toBeCloseTo(1.2263, 4);
    expect(rr?.high).toBeCloseTo(7.339, 4);
  });

  // 0/50 vs 10/100 → corrected cells 0.5/51 vs 10.5/101: RR = 0.0098039 / 0.1039604 = 0.094304,
  // SE = √(1/0.5 − 1/51 + 1/10.5 − 1/101) = √2.065725 = 1.437265, z·SE = 2.816987 → [0.005638, 1.5774].
  it('applies the 0.5 continuity correction to all four cells when a count is 0', () => {
    const rr = rateRatio(0, 50, 10, 100);
    expect(rr?.value).toBeCloseTo(0.094304, 5);
    expect(rr?.low).toBeCloseTo(0.005638, 5);
    expect(rr?.high).toBeCloseTo(1.5774, 4);
  });

  it('is symmetric: swapping the groups inverts the ratio and its interval', () => {
    for (const [k1, n1, k2, n2] of [
      [10, 100, 5, 100],
      [0, 50, 10, 100],
      [3, 7, 1, 90],
    ] as const) {
      const forward = rateRatio(k1, n1, k2, n2);
      const backward = rateRatio(k2, n2, k1, n1);
      expect(backward?.value).toBeCloseTo(1 / (forward?.value ?? NaN), 12);
      expect(backward?.low).toBeCloseTo(1 / (forward?.high ?? NaN), 12);
      expect(backward?.high).toBeCloseTo(1 / (forward?.low ?? NaN), 12);
    }
  });

  it('handles k = n in both groups (zero variance)', () => {
    expect(rateRatio(5, 5, 3, 3)).toEqual({ value: 1, low: 1, high: 1 });
  });

  it.each([
    [0, 10, 0, 10],
    [0, 0, 1, 10],
    [1, 10, 0, 0],
  ])('is null for %i/%i vs %i/%i', (k1, n1, k2, n2) => {
    expect(rateRatio(k1, n1, k2, n2)).toBeNull();
  });

  it('uses z', () => {
    const wide = rateRatio(10, 100, 5, 100, Z);
    const narrow = rateRatio(10, 100, 5, 100, 1);
    expect(narrow?.low).toBeGreaterThan(wide?.low ?? Infinity);
    expect(narrow?.high).toBeLessThan(wide?.high ?? -Infinity);
  });

  it('rejects impossible counts', () => {
    expect(() => rateRatio(11, 10, 1, 10)).toThrow(RangeError);
  });
});

describe('smoothedRate', () => {
  it.each([
    // (failed + strength·base) / (n + strength)
    [0, 0, 0.1, 10, 0.1], // no data: the base rate
    [2, 2, 0.1, 10, 3 / 12], // (2 + 1) / 12
    [50, 100, 0.1, 0, 0.5], // no prior: the raw rate
    [0, 0, 0.2, 0, 0.2], // nothing at all: the base rate
    [300, 1000, 0.1, 20, 302 / 1020],
  ])('%i of %i, base %f, strength %i → %f', (failed, n, base, strength, expected) => {
    expect(smoothedRate(failed, n, base, strength)).toBeCloseTo(expected, 12);
  });

  it('lies between the raw rate and the base rate', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (n, q, base, strength) => {
          const failed = Math.round(q * n);
          const raw = failed / n;
          const s = smoothedRate(failed, n, base, strength);
          const eps = 1e-12;
          return s >= Math.min(raw, base) - eps && s <= Math.max(raw, base) + eps;
        },
      ),
    );
  });

  it('rejects a negative strength', () => {
    expect(() => smoothedRate(1, 2, 0.1, -1)).toThrow(RangeError);
  });
});

/** The definition: over every (positive, negative) pair, 1 if the positive scores higher, ½ if tied. */
function aucByPairs(scores: readonly number[], labels: readonly boolean[]): number | null {
  let wins = 0;
  let pairs = 0;
  scores.forEach((s, i) => {
    if (labels[i] !== true) return;
    scores.forEach((t, j) => {
      if (labels[j] === true) return;
      pairs++;
      wins += s > t ? 1 : s === t ? 0.5 : 0;
    });
  });
  return pairs === 0 ? null : wins / pairs;
}

const bools = (bits: readonly number[]) => bits.map((b) => b === 1);

describe('rocAuc', () => {
  it('hand-computed example with ties', () => {
    // scores [0.1, 0.4, 0.35, 0.8, 0.4], labels [0, 0, 1, 1, 1]
    // negatives: 0.1, 0.4    positives: 0.35, 0.8, 0.4
    //   (0.35, 0.1) win 1     (0.35, 0.4) loss 0
    //   (0.8, 0.1)  win 1     (0.8, 0.4)  win 1
    //   (0.4, 0.1)  win 1     (0.4, 0.4)  tie ½
    // = 4.5 of 3·2 = 6 pairs → 0.75.
    // By ranks: 0.1→1, 0.35→2, 0.4,0.4→3.5 each, 0.8→5; positive rank sum 2 + 3.5 + 5 = 10.5,
    // U = 10.5 − 3·4/2 = 4.5.
    expect(rocAuc([0.1, 0.4, 0.35, 0.8, 0.4], bools([0, 0, 1, 1, 1]))).toBe(0.75);
  });

  it.each([
    ['perfect separation', [0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1], 1],
    ['reversed', [0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1], 0],
    ['all scores equal', [3, 3, 3, 3, 3], [0, 1, 0, 1, 1], 0.5],
    ['one inversion of four pairs', [1, 3, 2, 4], [0, 0, 1, 1], 0.75],
    ['negative zero ties positive zero', [-0, 0], [1, 0], 0.5],
    ['infinities', [-Infinity, Infinity, 0], [0, 1, 1], 1],
  ] as const)('%s', (_name, scores, labels, expected) => {
    expect(rocAuc(scores, bools(labels))).toBe(expected);
  });

  it('is null when a class is empty', () => {
    expect(rocAuc([], [])).toBeNull();
    expect(rocAuc([1, 2], [true, true])).toBeNull();
    expect(rocAuc([1, 2], [false, false])).toBeNull();
  });

  it('rejects NaN scores and mismatched lengths', () => {
    expect(() => rocAuc([1, Number.NaN], [true, false])).toThrow(RangeError);
    expect(() => rocAuc([1, 2], [true])).toThrow(RangeError);
  });

  it('accepts typed arrays', () => {
    expect(rocAuc(Float64Array.from([0.1, 0.4, 0.35, 0.8, 0.4]), bools([0, 0, 1, 1, 1]))).toBe(0.75);
  });

  // Small integer scores make ties common; doubles cover the general case.
  const score = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true }));
  const sample = fc.array(fc.tuple(score, fc.boolean()), { maxLength: 40 });

  it('equals the O(n²) pair-counting definition', () => {
    fc.assert(
      fc.property(sample, (items) => {
        const scores = items.map(([s]) => s);
        const labels = items.map(([, l]) => l);
        expect(rocAuc(scores, labels)).toBe(aucByPairs(scores, labels));
      }),
      { numRuns: 500 },
    );
  });

  it('AUC(scores) = 1 − AUC(−scores), and flipping the labels does the same', () => {
    fc.assert(
      fc.property(sample, (items) => {
        const scores = items.map(([s]) => s);
        const labels = items.map(([, l]) => l);
        const auc = rocAuc(scores, labels);
        const negated = rocAuc(
          scores.map((s) => -s),
          labels,
        );
        const flipped = rocAuc(
          scores,
          labels.map((l) => !l),
        );
        if (auc === null) {
          expect(negated).toBeNull();
          expect(flipped).toBeNull();
          return;
        }
        expect(1 - (negated ?? NaN)).toBeCloseTo(auc, 12);
        expect(1 - (flipped ?? NaN)).toBeCloseTo(auc, 12);
      }),
      { numRuns: 300 },
    );
  });

  it('handles 100,000 items exactly', () => {
    const n = 100_000;
    const scores = new Float64Array(n);
    const labels = new Array<boolean>(n);
    // Deterministic: item i has score level m = (i % 1000) >> 1 and is positive when i is odd, so each of
    // the 500 levels holds 100 positives and 100 negatives, all tied with each other.
    for (let i = 0; i < n; i++) {
      scores[i] = (i % 1000) >> 1;
      labels[i] = i % 2 === 1;
    }
    const auc = rocAuc(scores, labels);
    // A positive at level m beats the 100·m negatives below and ties the 100 at its level:
    // U = Σ_{m=0}^{499} 100·(100·m + 50) = 100·(100·124,750 + 25,000) = 1,250,000,000 of 50,000² pairs.
    expect(auc).toBe(1_250_000_000 / (50_000 * 50_000));
    expect(auc).toBe(0.5);
    // Shift the positives up one level: a positive from level m now beats the 100·(m + 1) negatives at
    // levels 0..m and ties the 100 at level m + 1 (none above level 499):
    // U = 100·100·Σ_{m=1}^{500} m + 499·100·50 = 1,252,500,000 + 2,495,000.
    for (let i = 1; i < n; i += 2) scores[i] = (scores[i] ?? 0) + 1;
    expect(rocAuc(scores, labels)).toBe((1_252_500_000 + 2_495_000) / (50_000 * 50_000));
  });
});

describe('median', () => {
  it.each([
    [[], null],
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[-1, -1, 10, 10], 4.5],
    [[1e9, -1e9], 0],
  ])('%j → %s', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('rejects NaN', () => {
    expect(() => median([1, Number.NaN])).toThrow(RangeError);
  });
});
