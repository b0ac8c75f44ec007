import { describe, expect, it } from 'vitest';
import { applyHistory, ChangeScorer } from '../../src/assess/backtest-score.js';
import type { ScoredChange } from '../../src/assess/backtest.js';
import { DEFAULT_WEIGHTS } from '../../src/assess/context.js';
import type { CommitFacts } from '../../src/assess/facts.js';
import { policySchema } from '../../src/config/schema.js';

const policy = policySchema.parse({
  riskZones: [{ name: 'pay', paths: ['src/pay/**'], risk: 'high' }],
});

function commit(sha: string, date: string, path: string, added: number): CommitFacts {
  const person = { name: 'T', email: 't@example.com', date };
  return {
    sha: sha.padEnd(40, '0'),
    parents: ['f'.repeat(40)],
    author: person,
    committer: person,
    subject: `change ${sha}`,
    body: '',
    trailers: [],
    files: [{ path, added, deleted: 0 }],
  };
}

describe('ChangeScorer', () => {
  it('measures each factor as a share of its default maximum, whatever the weights in force', () => {
    const c = commit('a1', '2026-01-05T10:00:00Z', 'src/pay/x.ts', 40);
    const normal = new ChangeScorer(policy, { ...DEFAULT_WEIGHTS }).score(c);
    const zeroed = new ChangeScorer(policy, { ...DEFAULT_WEIGHTS, zones: 0, size: 40 }).score(c);
    expect(zeroed.features).toEqual(normal.features);
    expect(normal.features[0]).toBeCloseTo(0.7, 10); // high zone: 70% of the maximum
    expect(normal.points[0]).toBe(21);
    expect(zeroed.points[0]).toBe(0);
    expect(zeroed.points[1]).toBe(Math.round((normal.features[1] ?? 0) * 40));
  });
});

describe('applyHistory', () => {
  it('gives each change the failures known strictly before it, never its own', () => {
    const scorer = new ChangeScorer(policy, { ...DEFAULT_WEIGHTS });
    const changes: ScoredChange[] = [
      scorer.score(commit('b1', '2026-01-05T10:00:00Z', 'src/pay/x.ts', 10)),
      scorer.score(commit('b2', '2026-01-06T10:00:00Z', 'src/pay/y.ts', 10)),
      scorer.score(commit('b3', '2026-01-07T10:00:00Z', 'src/pay/z.ts', 10)),
    ];
    const [first, second, third] = changes;
    if (first === undefined || second === undefined || third === undefined) throw new Error('setup');
    // b1 failed, known (reverted) at b2's instant exactly; b2 failed, known before it landed (skew).
    Object.assign(first, { failed: true, failedBy: 'revert', failedAt: second.at });
    Object.assign(second, { failed: true, failedBy: 'ledger', failedAt: first.at });
    applyHistory(changes, 15);
    const history = (c: ScoredChange) => c.points[5];
    expect(history(first)).toBe(0); // nothing before it
    expect(history(second)).toBe(0); // b1's failure is learnt at the same instant: not yet
    expect(history(third)).toBeGreaterThan(0); // both failures known by then
  });
});
