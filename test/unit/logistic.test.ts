import { describe, expect, it } from 'vitest';
import { fitLogistic, predictLogit, type LogisticModel } from '../../src/assess/logistic.js';

/** mulberry32: a tiny seeded PRNG, so the synthetic data is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal by Box–Muller. */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** n rows of independent N(0, 1) features, labels drawn from the logistic model with the given truth. */
function synthetic(seed: number, n: number, intercept: number, beta: readonly number[]) {
  const random = mulberry32(seed);
  const rows: number[][] = [];
  const labels: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const row = beta.map(() => normal(random));
    const logit = row.reduce((sum, x, j) => sum + x * (beta[j] ?? 0), intercept);
    rows.push(row);
    labels.push(random() < 1 / (1 + Math.exp(-logit)));
  }
  return { rows, labels };
}

/** Gradient of Σ logloss + (l2/2)·‖w‖² at the model: index 0 the intercept. */
function gradient(model: LogisticModel, rows: number[][], labels: boolean[], l2: number): number[] {
  const g = new Array<number>(model.coefficients.length + 1).fill(0);
  rows.forEach((row, i) => {
    const r = 1 / (1 + Math.exp(-predictLogit(model, row))) - (labels[i] === true ? 1 : 0);
    g[0] = (g[0] ?? 0) + r;
    row.forEach((x, j) => (g[j + 1] = (g[j + 1] ?? 0) + r * x));
  });
  model.coefficients.forEach((w, j) => (g[j + 1] = (g[j + 1] ?? 0) + l2 * w));
  return g;
}

const norm = (v: readonly number[]) => Math.hypot(...v);

describe('fitLogistic', () => {
  it.each([
    { intercept: -1, beta: [0.5, 2, 0] },
    { intercept: 0.3, beta: [-1, 0, 1.2, 0.7] },
    { intercept: -2, beta: [1] },
  ])('recovers intercept $intercept and β $beta from 20k rows', ({ intercept, beta }) => {
    const { rows, labels } = synthetic(42, 20_000, intercept, beta);
    const model = fitLogistic(rows, labels, { l2: 1 });
    expect(model.converged).toBe(true);
    expect(model.iterations).toBeLessThan(15);
    expect(Math.abs(model.intercept - intercept)).toBeLessThan(0.15);
    expect(model.coefficients).toHaveLength(beta.length);
    model.coefficients.forEach((w, j) => {
      expect(Math.abs(w - (beta[j] ?? NaN))).toBeLessThan(0.15);
    });
  });

  it('reaches the optimum: the penalised gradient vanishes', () => {
    const { rows, labels } = synthetic(7, 2_000, 0.2, [1, -0.5, 0.25]);
    for (const l2 of [0, 0.5, 50]) {
      const model = fitLogistic(rows, labels, { l2 });
      expect(model.converged).toBe(true);
      for (const g of gradient(model, rows, labels, l2)) expect(Math.abs(g)).toBeLessThan(1e-6);
    }
  });

  it('is deterministic', () => {
    const { rows, labels } = synthetic(3, 1_000, 0, [1, 1]);
    expect(fitLogistic(rows, labels, { l2: 1 })).toEqual(fitLogistic(rows, labels, { l2: 1 }));
  });

  it('shrinks the coefficients toward 0 as l2 grows, leaving the intercept unpenalised', () => {
    const { rows, labels } = synthetic(11, 2_000, -0.5, [1.5, -1, 0.5]);
    const norms = [0, 1, 10, 100, 1_000, 10_000, 1e7].map((l2) =>
      norm(fitLogistic(rows, labels, { l2 }).coefficients),
    );
    for (let i = 1; i < norms.length; i++) expect(norms[i]).toBeLessThan(norms[i - 1] ?? -Infinity);
    expect(norms.at(-1)).toBeLessThan(1e-3);
    // With the coefficients crushed to 0, the intercept is the log-odds of the overall rate.
    const crushed = fitLogistic(rows, labels, { l2: 1e9 });
    const rate = labels.filter(Boolean).length / labels.length;
    expect(crushed.intercept).toBeCloseTo(Math.log(rate / (1 - rate)), 4);
  });

  it('rescaling a feature rescales its coefficient (unpenalised fit)', () => {
    const { rows, labels } = synthetic(5, 3_000, 0.1, [0.8, -0.4]);
    const base = fitLogistic(rows, labels, { l2: 0 });
    const scaled = fitLogistic(
      rows.map(([a = 0, b = 0]) => [a * 1000, b / 1000]),
      labels,
      { l2: 0 },
    );
    expect(scaled.converged).toBe(true);
    expect(scaled.intercept).toBeCloseTo(base.intercept, 6);
    expect((scaled.coefficients[0] ?? NaN) * 1000).toBeCloseTo(base.coefficients[0] ?? NaN, 6);
    expect((scaled.coefficients[1] ?? NaN) / 1000).toBeCloseTo(base.coefficients[1] ?? NaN, 6);
  });

  describe('nonNegative', () => {
    const { rows, labels } = synthetic(99, 20_000, -0.5, [1, -1.5, 0.5]);

    it('holds a truly negative risk factor at exactly 0 and still fits the others', () => {
      const free = fitLogistic(rows, labels, { l2: 1 });
      expect(free.coefficients[1]).toBeLessThan(-1);
      const model = fitLogistic(rows, labels, { l2: 1, nonNegative: true });
      expect(model.converged).toBe(true);
      expect(model.coefficients[1]).toBe(0);
      // Features are independent, so dropping one attenuates the others but does not flip them.
      expect(model.coefficients[0]).toBeGreaterThan(0.6);
      expect(model.coefficients[2]).toBeGreaterThan(0.25);
    });

    it('satisfies the bound-constrained optimality (KKT) conditions', () => {
      const l2 = 1;
      const model = fitLogistic(rows, labels, { l2, nonNegative: true });
      const g = gradient(model, rows, labels, l2);
      expect(Math.abs(g[0] ?? NaN)).toBeLessThan(1e-6); // intercept: free
      model.coefficients.forEach((w, j) => {
        expect(w).toBeGreaterThanOrEqual(0);
        const gj = g[j + 1] ?? NaN;
        // At the bound the gradient may only push further down; inside, it vanishes.
        if (w === 0) expect(gj).toBeGreaterThanOrEqual(-1e-6);
        else expect(Math.abs(gj)).toBeLessThan(1e-6);
      });
    });

    it('changes nothing when every true effect is already positive', () => {
      const positive = synthetic(4, 5_000, 0, [0.7, 0.2, 1.1]);
      const free = fitLogistic(positive.rows, positive.labels, { l2: 1 });
      const bounded = fitLogistic(positive.rows, positive.labels, { l2: 1, nonNegative: true });
      expect(bounded.intercept).toBeCloseTo(free.intercept, 8);
      bounded.coefficients.forEach((w, j) => {
        expect(w).toBeCloseTo(free.coefficients[j] ?? NaN, 8);
      });
    });

    it('never constrains the intercept', () => {
      const model = fitLogistic(rows, labels, { l2: 1, nonNegative: true });
      expect(model.intercept).toBeLessThan(0);
    });
  });

  it('stays finite on perfectly separable data', () => {
    const rows = [[0], [1], [2], [3], [4], [5]];
    const labels = [false, false, false, true, true, true];
    const model = fitLogistic(rows, labels, { l2: 0.01 });
    expect(model.converged).toBe(true);
    expect(Number.isFinite(model.intercept)).toBe(true);
    expect(Number.isFinite(model.coefficients[0])).toBe(true);
    expect(model.coefficients[0]).toBeGreaterThan(1);
    rows.forEach((row, i) => {
      expect(predictLogit(model, row) > 0).toBe(labels[i]);
    });
    // More regularisation, a smaller (still separating) slope.
    expect(fitLogistic(rows, labels, { l2: 1 }).coefficients[0]).toBeLessThan(model.coefficients[0] ?? NaN);
  });

  it('separable data with l2 = 0 stays finite and stops', () => {
    const model = fitLogistic([[0], [1], [2], [3]], [false, false, true, true], { l2: 0 });
    expect(Number.isFinite(model.intercept)).toBe(true);
    expect(Number.isFinite(model.coefficients[0])).toBe(true);
    expect(model.iterations).toBeLessThanOrEqual(100);
  });

  it.each([
    [true, Math.log(5.5 / 0.5)],
    [false, Math.log(0.5 / 5.5)],
  ])('one class (all %s): intercept only, coefficients 0', (label, intercept) => {
    const rows = [
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
      [9, 10],
    ];
    const model = fitLogistic(
      rows,
      rows.map(() => label),
      { l2: 1 },
    );
    expect(model).toEqual({ intercept, coefficients: [0, 0], iterations: 0, converged: true });
  });

  it('no rows: an empty model', () => {
    expect(fitLogistic([], [], { l2: 1 })).toEqual({
      intercept: 0,
      coefficients: [],
      iterations: 0,
      converged: true,
    });
  });

  it('splits the weight evenly between duplicated features', () => {
    const { rows, labels } = synthetic(8, 2_000, 0, [1]);
    const model = fitLogistic(
      rows.map(([x = 0]) => [x, x]),
      labels,
      { l2: 1 },
    );
    expect(model.converged).toBe(true);
    expect(model.coefficients[0]).toBeCloseTo(model.coefficients[1] ?? NaN, 8);
  });

  it('survives a constant-zero feature with no penalty (singular Hessian)', () => {
    const { rows, labels } = synthetic(9, 1_000, 0, [1]);
    const model = fitLogistic(
      rows.map(([x = 0]) => [x, 0]),
      labels,
      { l2: 0 },
    );
    expect(model.converged).toBe(true);
    expect(model.coefficients[1]).toBe(0);
    expect(model.coefficients[0]).toBeGreaterThan(0.5);
  });

  it('reports non-convergence when the iteration cap is hit', () => {
    const { rows, labels } = synthetic(10, 1_000, 0, [2, -2]);
    const model = fitLogistic(rows, labels, { l2: 1, iterations: 1 });
    expect(model.iterations).toBe(1);
    expect(model.converged).toBe(false);
  });

  it('accepts typed-array rows', () => {
    const { rows, labels } = synthetic(12, 1_000, 0, [1, 0.5]);
    const plain = fitLogistic(rows, labels, { l2: 1 });
    const typed = fitLogistic(
      rows.map((r) => Float64Array.from(r)),
      labels,
      { l2: 1 },
    );
    expect(typed).toEqual(plain);
  });

  it.each([
    ['labels of another length', [[1]], [true, false], { l2: 1 }],
    ['ragged rows', [[1, 2], [3]], [true, false], { l2: 1 }],
    ['a NaN feature', [[1], [Number.NaN]], [true, false], { l2: 1 }],
    ['a negative l2', [[1], [2]], [true, false], { l2: -1 }],
    ['a fractional iteration cap', [[1], [2]], [true, false], { l2: 1, iterations: 1.5 }],
  ])('rejects %s', (_name, rows, labels, options) => {
    expect(() => fitLogistic(rows, labels, options)).toThrow(RangeError);
  });

  // Speed is measured by the bench, not here: this checks the fit at that size.
  it('fits 100,000 rows × 8 features', () => {
    const beta = [0.5, 2, 0, -1, 0.3, 0, 1, -0.2];
    const { rows, labels } = synthetic(2024, 100_000, -0.5, beta);
    for (const nonNegative of [false, true]) {
      const model = fitLogistic(rows, labels, { l2: 1, nonNegative });
      expect(model.converged).toBe(true);
      if (!nonNegative)
        model.coefficients.forEach((w, j) => {
          expect(Math.abs(w - (beta[j] ?? NaN))).toBeLessThan(0.05);
        });
    }
  });
});

describe('predictLogit', () => {
  it('is intercept + Σ coefficient·feature', () => {
    const model = { intercept: -1, coefficients: [0.5, 2, 0] };
    expect(predictLogit(model, [2, 0.25, 100])).toBe(-1 + 1 + 0.5);
    expect(predictLogit(model, Float64Array.from([0, 0, 0]))).toBe(-1);
  });

  it('rejects a row shorter than the model', () => {
    expect(() => predictLogit({ intercept: 0, coefficients: [1, 2] }, [1])).toThrow(RangeError);
  });
});
