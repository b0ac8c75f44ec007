import { describe, expect, it } from 'vitest';
import { aucInterval } from '../../src/assess/backtest.js';
import { Ecdf } from '../../src/assess/change-features.js';
import { isFixSubject, pathKind } from '../../src/assess/change-kind.js';
import { RISK_PRIOR } from '../../src/assess/risk-prior.js';
import { scoreChange } from '../../src/assess/risk-score.js';
import { SCORE_FACTORS } from '../../src/assess/factors/registry.js';
import { DEFAULT_WEIGHTS } from '../../src/assess/context.js';
import { blamedCommits } from '../../src/collect/szz.js';

describe('isFixSubject', () => {
  it.each([
    ['fix: crash when the cache is empty', true],
    ['fix(ssr): handle undefined module', true],
    ['Fix regression in router', true],
    ['hotfix: restore login', true],
    ['Resolve bug in parser (#123)', true],
    ['fix typo in README', false],
    ['fix(deps): update dependency vite to v5', false],
    ['fix(ci): flaky job', false],
    ['docs: fix broken link', false],
    ['test: fix flaky test', false],
    ['chore: fix lint', false],
    ['feat: add parser', false],
    ['Revert "fix: crash"', false],
    ['refactor: rename fix helper', false],
    ['fix: wrong version negotiated in TLS handshake', true],
    ['fix: format dates correctly in UTC', true],
    ['Fix crash when style attribute is empty', true],
    ['fix(core): release the lock on error', true],
    ['fix: test for null before deref', true],
    ['Add crash reporting', false],
    ['Implement wrong-password lockout', false],
    ['fix: bump lodash', false],
    ['Fix the failing tests on Windows', false],
  ])('%s → %s', (subject, expected) => {
    expect(isFixSubject(subject)).toBe(expected);
  });
});

describe('pathKind', () => {
  it.each([
    ['src/index.ts', 'code'],
    ['packages/vite/src/node/server.ts', 'code'],
    ['src/__tests__/a.spec.ts', 'test'],
    ['pkg/server_test.go', 'test'],
    ['tests/test_api.py', 'test'],
    ['src/main/java/FooTest.java', 'test'],
    ['docs/guide.md', 'docs'],
    ['README.md', 'docs'],
    ['LICENSE', 'docs'],
    ['package-lock.json', 'deps'],
    ['go.sum', 'deps'],
    ['vendor/github.com/x/y.go', 'vendored'],
    ['dist/bundle.min.js', 'generated'],
    ['api/v1/service.pb.go', 'generated'],
    ['.github/workflows/ci.yml', 'ci'],
  ])('%s is %s', (path, kind) => {
    expect(pathKind(path)).toBe(kind);
  });
});

describe('Ecdf', () => {
  it('gives the share of earlier values below, ties counting half, and 0.5 with no history', () => {
    const e = new Ecdf();
    expect(e.percentile(3)).toBe(0.5);
    for (const v of [0, 0, 1, 10, 100]) e.add(v);
    expect(e.percentile(0)).toBeCloseTo(0.2, 10); // two ties at 0: half of 2/5
    expect(e.percentile(1000)).toBe(1);
    expect(e.percentile(10)).toBeCloseTo(0.7, 10); // 3 below, one tie
  });
});

describe('aucInterval (Hanley & McNeil)', () => {
  it('matches the hand-computed standard error', () => {
    // A = 0.8, n1 = 20, n2 = 80: Q1 = 0.8/1.2, Q2 = 1.28/1.8.
    const a = 0.8;
    const q1 = a / (2 - a);
    const q2 = (2 * a * a) / (1 + a);
    const se = Math.sqrt((a * (1 - a) + 19 * (q1 - a * a) + 79 * (q2 - a * a)) / (20 * 80));
    const [low, high] = aucInterval(a, 20, 80) ?? [NaN, NaN];
    expect(low).toBeCloseTo(a - 1.959964 * se, 10);
    expect(high).toBeCloseTo(a + 1.959964 * se, 10);
    expect(aucInterval(null, 20, 80)).toBeNull();
    expect(aucInterval(0.7, 0, 80)).toBeNull();
  });
});

describe('blamedCommits', () => {
  it('keeps the commits blame names, without boundary commits', () => {
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    const text = [
      `${a} 3 3 2`,
      'author X',
      'filename src/x.ts',
      `${b} 1 1 1`,
      'boundary',
      'filename src/x.ts',
    ].join('\n');
    expect(blamedCommits(text)).toEqual([a]);
  });
});

describe('scoreChange', () => {
  const model = { change: RISK_PRIOR.model, deploy: RISK_PRIOR.deploy, weights: { ...DEFAULT_WEIGHTS } };
  const median = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0];
  const big = [1, 1, 1, 1, 1, 1, 1, 0, 0.5, 0];

  it('is monotone: a bigger change, a critical zone and more commits each raise the estimate', () => {
    const base = scoreChange(model, { changes: [median], shares: {}, reviewSeen: false });
    const larger = scoreChange(model, { changes: [big], shares: {}, reviewSeen: false });
    const zoned = scoreChange(model, { changes: [median], shares: { zones: 1 }, reviewSeen: false });
    const many = scoreChange(model, { changes: [median, median, median], shares: {}, reviewSeen: false });
    expect(larger.probability).toBeGreaterThan(base.probability);
    expect(zoned.probability).toBeGreaterThan(base.probability);
    expect(many.probability).toBeGreaterThan(base.probability);
    expect(larger.score).toBe(Math.round(larger.probability * 100));
  });

  it('splits the score over the factors that raise it, and review counts only where review is seen', () => {
    const result = scoreChange(model, { changes: [big], shares: { zones: 1, review: 1 }, reviewSeen: false });
    const sum = SCORE_FACTORS.reduce((acc, id) => acc + result.points[id], 0);
    expect(sum).toBe(result.score);
    expect(result.points.review).toBe(0);
    const seen = scoreChange(model, { changes: [big], shares: { zones: 1, review: 1 }, reviewSeen: true });
    expect(seen.points.review).toBeGreaterThan(0);
    expect(seen.probability).toBeGreaterThan(result.probability);
  });
});

describe('scoreChange: weights and many commits', () => {
  const weights = { ...DEFAULT_WEIGHTS };
  const model = (size: number) => ({
    change: RISK_PRIOR.model,
    deploy: RISK_PRIOR.deploy,
    weights: { ...weights, size },
  });
  const median = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0];
  const big = [0.9, 0.99, 0.9, 0.5, 0.9, 0.5, 0.5, 0.5, 0.5, 0];

  it('weights.size scales size around an ordinary change: the median change scores the same', () => {
    const at = (size: number, row: number[]) =>
      scoreChange(model(size), { changes: [row], shares: {}, reviewSeen: false }).probability;
    expect(at(40, median)).toBeCloseTo(at(20, median), 12);
    expect(at(0, median)).toBeCloseTo(at(20, median), 12);
    expect(at(40, big)).toBeGreaterThan(at(20, big));
    expect(at(0, big)).toBeLessThan(at(20, big));
  });

  it('shipping many ordinary commits together is size: its points, its advice', () => {
    const result = scoreChange(model(20), {
      changes: Array.from({ length: 40 }, () => median),
      shares: {},
      reviewSeen: false,
    });
    expect(result.score).toBeGreaterThan(20);
    expect(result.points.size).toBe(result.score);
    expect(result.savings.size).toBeGreaterThan(0);
  });
});
