import { describe, expect, it } from 'vitest';
import type { ScoredUnit } from '../../src/assess/backtest.js';
import { calibrateDeploy } from '../../src/assess/calibrate-deploy.js';
import { RISK_PRIOR } from '../../src/assess/risk-prior.js';
import { scoreOf, SCALE_SCORES } from '../../src/assess/risk-model.js';

// A repository's own score scale: the deploy-level estimates at the 87th, 95th and 99th percentiles of
// its deploy-sized units score 30, 50 and 75, so its riskiest ~13% / 5% / 1% of deploys cross the
// default riskyAt / waitAt / blockAt; calibrate keeps it only when it does that on units it never saw.

describe('scoreOf', () => {
  it('is 100 × the estimate without a scale', () => {
    expect([0, 0.004, 0.29, 0.5, 1].map((p) => scoreOf(p))).toEqual([0, 0, 29, 50, 100]);
  });

  it('puts the anchors at 30, 50 and 75 and stays monotone', () => {
    const scale = [0.6, 0.8, 0.95] as const;
    expect(scale.map((p) => scoreOf(p, scale))).toEqual([...SCALE_SCORES]);
    expect(scoreOf(0, scale)).toBe(0);
    expect(scoreOf(1, scale)).toBe(100);
    expect(scoreOf(0.3, scale)).toBe(15);
    const grid = Array.from({ length: 1001 }, (_, i) => scoreOf(i / 1000, scale));
    expect(grid.every((score, i) => i === 0 || score >= (grid[i - 1] ?? 0))).toBe(true);
  });

  it('survives hostile scales: repeated anchors, an anchor at 1, estimates out of range', () => {
    expect(scoreOf(0.5, [0.5, 0.5, 0.5])).toBe(30);
    expect(scoreOf(0.99, [0.9, 0.99, 1])).toBe(50);
    expect(scoreOf(1, [0.9, 0.99, 1])).toBe(75);
    expect(scoreOf(-1, [0.2, 0.4, 0.6])).toBe(0);
    expect(scoreOf(2, [0.2, 0.4, 0.6])).toBe(100);
    // Never a silent GO.
    expect(scoreOf(Number.NaN)).toBe(100);
  });
});

/** `n` one-change units, a day apart, whose change probabilities rise from `low` to `high`. */
function units(n: number, low: number, high: number): ScoredUnit[] {
  return Array.from({ length: n }, (_, i) => {
    // Shuffled (a fixed permutation), so that the older and newer units cover the same range.
    const rank = (i * 37) % n;
    const p = low + ((high - low) * rank) / (n - 1);
    return {
      score: Math.round(p * 100),
      probability: p,
      changeProbabilities: [p],
      policyLogOdds: 0,
      at: Date.UTC(2026, 0, 1) + i * 86_400_000,
      failed: rank % 3 === 0,
      failedAt: rank % 3 === 0 ? Date.UTC(2026, 0, 1) + (i + 1) * 86_400_000 : null,
    };
  });
}

describe('calibrate fits the scale on the older units and judges it on the newer', () => {
  it('brings a repository whose deploys all look risky back to about 13% / 5% / 1%', () => {
    const fit = calibrateDeploy(units(400, 0.4, 0.95), 'tags', RISK_PRIOR.deploy);
    const scale = fit.scale;
    if (scale === null) throw new Error('no scale fitted');
    // Without the scale nearly every unit is risky.
    expect(scale.heldOut.before[0]).toBeGreaterThan(0.9);
    expect(scale.heldOut.after[0]).toBeGreaterThan(0.07);
    expect(scale.heldOut.after[0]).toBeLessThan(0.2);
    expect(scale.heldOut.after[2]).toBeLessThan(0.04);
    expect(scale.problem).toBeNull();
    expect(scale.anchors[0]).toBeLessThan(scale.anchors[1]);
    expect(scale.anchors[1]).toBeLessThan(scale.anchors[2]);
  });

  it('keeps the scale in force when it already flags about the right share', () => {
    // Estimates whose 87th / 95th / 99th percentiles are already near 0.3 / 0.5 / 0.75.
    const fit = calibrateDeploy(units(400, 0, 0.34), 'days', { ...RISK_PRIOR.deploy, a: 0, b: 1 });
    expect(fit.scale?.problem ?? null).not.toBeNull();
  });

  it('fits no scale on fewer than 50 older units', () => {
    expect(calibrateDeploy(units(60, 0.4, 0.9), 'tags', RISK_PRIOR.deploy).scale).toBeNull();
  });
});

describe('anchors stay a valid scale', () => {
  it('estimates bunched at 1 give increasing anchors no greater than 1', () => {
    const bunched = units(200, 0.99996, 0.99996);
    const fit = calibrateDeploy(bunched, 'tags', { ...RISK_PRIOR.deploy, a: 0, b: 1 });
    const anchors = fit.scale?.anchors ?? [];
    expect(anchors).toHaveLength(3);
    expect(anchors.every((x) => x > 0 && x <= 1)).toBe(true);
    expect(anchors[0]).toBeLessThan(anchors[1] ?? 0);
    expect(anchors[1]).toBeLessThan(anchors[2] ?? 0);
  });
});
