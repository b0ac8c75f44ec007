import { describe, expect, it } from 'vitest';
import { ChangeScorer } from '../../src/assess/backtest-score.js';
import { CHANGE_FEATURES } from '../../src/assess/change-features.js';
import { buildContext, DEFAULT_WEIGHTS } from '../../src/assess/context.js';
import type { CommitFacts, GitFacts } from '../../src/assess/facts.js';
import { lineageSummary } from '../../src/assess/factors/ai.js';
import {
  BACKTEST_FACTORS,
  FACTORS,
  MEASURED_POLICY_FACTORS,
  measureFactors,
  MODEL_FACTORS,
  POLICY_FACTORS,
  SCORE_FACTORS,
} from '../../src/assess/factors/registry.js';
import { FACTOR_IDS } from '../../src/config/model-schema.js';
import { policySchema } from '../../src/config/schema.js';
import { CLAUDE, OFF_PEAK, scenarioBase } from '../helpers/policy.js';
import { runPlanJson } from '../helpers/run.js';

const policy = policySchema.parse({
  riskZones: [{ name: 'pay', paths: ['src/pay/**'], risk: 'critical', requireReview: true }],
});

function commit(path: string, added: number, trailers: CommitFacts['trailers'] = []): CommitFacts {
  const person = { name: 'T', email: 't@example.com', date: '2026-01-05T10:00:00Z' };
  return {
    sha: 'a'.repeat(40),
    parents: ['f'.repeat(40)],
    author: person,
    committer: person,
    subject: 'change',
    body: '',
    trailers,
    files: [{ path, added, deleted: 0 }],
  };
}

describe('the factor registry', () => {
  it('lists each factor once, in the score order, and derives every other list from it', () => {
    const ids = FACTORS.map((factor) => factor.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(SCORE_FACTORS).toEqual(ids);
    expect(POLICY_FACTORS).toEqual(['zones', 'ai', 'tests', 'review', 'migrations', 'history']);
    expect(Object.keys(MODEL_FACTORS)).toEqual(['size', 'churn', 'author', 'purpose']);
    expect(BACKTEST_FACTORS).toEqual(['zones', 'size', 'ai', 'review', 'migrations', 'history']);
    expect(MEASURED_POLICY_FACTORS).toEqual(['zones', 'ai', 'review', 'migrations', 'history']);
  });

  it('gives every weighted factor a default weight, and weighs nothing outside the registry', () => {
    for (const id of FACTOR_IDS) expect(SCORE_FACTORS).toContain(id);
    for (const id of POLICY_FACTORS) expect(FACTOR_IDS).toContain(id);
    expect(Object.keys(DEFAULT_WEIGHTS).sort()).toEqual([...FACTOR_IDS].sort());
  });

  it("splits the change model's features among the model factors, each feature in exactly one", () => {
    const features = Object.values(MODEL_FACTORS).flat();
    expect([...features].sort()).toEqual([...CHANGE_FEATURES].sort());
  });

  it('measures one past commit with one number per backtest factor, within its default weight', () => {
    const facts: GitFacts = {
      repoRoot: '',
      target: { ref: 'x', sha: 'a'.repeat(40) },
      base: { sha: 'f'.repeat(40), source: 'from', ref: null, note: '' },
      deployedSha: 'f'.repeat(40),
      head: { detached: true, branch: null },
      shallow: { isShallow: false, rangeTruncated: false },
      commits: [commit('src/pay/x.ts', 80, [{ key: 'Co-authored-by', value: 'Claude <x@y>' }])],
      diff: [{ path: 'src/pay/x.ts', added: 80, deleted: 0, status: 'modified', addedRanges: [] }],
      migrations: [],
      diagnostics: [],
    };
    const ctx = buildContext(facts, policy);
    const points = measureFactors({ ctx, lineage: lineageSummary(ctx), isMigration: () => false });
    expect(points).toHaveLength(BACKTEST_FACTORS.length);
    BACKTEST_FACTORS.forEach((id, i) => {
      expect(points[i]).toBeGreaterThanOrEqual(0);
      expect(points[i]).toBeLessThanOrEqual(DEFAULT_WEIGHTS[id]);
    });
    // A critical zone is the whole of the zones factor; the history factor is filled in later.
    expect(points[BACKTEST_FACTORS.indexOf('zones')]).toBe(DEFAULT_WEIGHTS.zones);
    expect(points[BACKTEST_FACTORS.indexOf('history')]).toBe(0);
    // The scorer reads the same list: its features are these points over the default weights.
    const scored = new ChangeScorer(policy, { ...DEFAULT_WEIGHTS }).score(commit('src/pay/x.ts', 80));
    expect(scored.features).toHaveLength(BACKTEST_FACTORS.length);
    expect(scored.features[BACKTEST_FACTORS.indexOf('zones')]).toBe(1);
  });

  it("is what a plan shows: every registry factor, once, under the registry's title", async () => {
    const repo = scenarioBase();
    repo.writeLines('src/payments/charge.ts', 120, 'charge');
    repo.commit('payments: new charge flow', { trailers: [CLAUDE] });
    const { plan } = await runPlanJson(repo.dir, [], { now: OFF_PEAK });
    const shown = new Map(plan.factors.map((factor) => [factor.id, factor.title]));
    expect(plan.factors).toHaveLength(FACTORS.length);
    for (const factor of FACTORS) expect(shown.get(factor.id)).toBe(factor.title);
    expect(plan.factors.find((factor) => factor.id === 'ai')?.points).toBeGreaterThan(0);
  });
});
