import { MockAgent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Insights, RateRow } from '../../src/assess/insights-types.js';
import type { Plan } from '../../src/assess/plan-types.js';
import { generateDeployHistory, type PlantedDeploy } from '../helpers/history.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

// 700 daily deploys at 14:00 UTC from Monday 2024-12-02. Failure rate 6% for a human-written deploy on
// a weekday other than Friday, times 3 on Fridays and times 2 when AI-heavy (one deploy in three).
// Friday vs the rest is then 3.0 exactly, and AI-heavy vs the rest 2.0, by construction.
const BASE = 0.06;
let repo: TestRepo;
let deploys: PlantedDeploy[];
let insights: Insights;
const NOW = '2026-11-06T00:00:00Z';

function row(rows: RateRow[], key: string): RateRow {
  const found = rows.find((r) => r.key === key);
  if (found === undefined) throw new Error(`no row ${key}`);
  return found;
}

beforeAll(async () => {
  ({ repo, deploys } = generateDeployHistory({
    days: 700,
    start: '2024-12-02',
    hour: 14,
    failRate: ({ weekday, ai }) => BASE * (weekday === 4 ? 3 : 1) * (ai ? 2 : 1),
    ai: (i) => i % 3 === 0,
    payments: (i) => i % 4 === 1,
  }));
  const result = await runCli([
    '--repo',
    repo.dir,
    '--format',
    'json',
    'insights',
    '--since',
    '2024-12-01',
    '--now',
    NOW,
  ]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  insights = JSON.parse(result.stdout) as Insights;
}, 60_000);

afterAll(() => {
  repo.cleanup();
});

describe('insights on a generated history with a known answer', () => {
  it('counts every deploy once, and every planted failure (ledger failed, rolled back, reverted in git)', () => {
    const planted = deploys.filter((d) => d.failed !== 'no');
    expect(insights.schemaVersion).toBe('deployadvisor.insights/1');
    expect(insights.deploys).toBe(700);
    expect(insights.failed).toBe(planted.length);
    const byHow = new Map<string, number>();
    for (const d of insights.deployList)
      if (d.failedBy !== null) byHow.set(d.failedBy, (byHow.get(d.failedBy) ?? 0) + 1);
    expect(byHow.get('revert')).toBe(planted.filter((d) => d.failed === 'revert').length);
    expect(byHow.get('ledger')).toBe(planted.filter((d) => d.failed !== 'revert').length);
  });

  it('recovers Friday at three times the rate of other days, within the interval', () => {
    const fri = row(insights.failureRate.byWeekday, 'fri');
    expect(fri.deploys).toBe(100);
    expect(fri.ratio).not.toBeNull();
    expect(fri.ratio?.low).toBeLessThan(3);
    expect(fri.ratio?.high).toBeGreaterThan(3);
    expect(fri.ratio?.low).toBeGreaterThan(1);
    // The planted Friday rate (2/3·18% + 1/3·36% = 24%) lies in the Wilson interval of the row.
    expect(fri.low).toBeLessThan(0.24);
    expect(fri.high).toBeGreaterThan(0.24);
    const highlight = insights.highlights.find((h) => h.dimension === 'weekday');
    expect(highlight?.key).toBe('fri');
    expect(highlight?.significant).toBe(true);
    expect(highlight?.sentence).toMatch(
      /^Friday deploys fail \d\.\dx as often: \d+ of 100 vs \d+(\.\d)? per 100/,
    );
  });

  it('recovers AI-heavy deploys at twice the rate, within the interval', () => {
    const high = row(insights.failureRate.byAiShare, 'high');
    const low = row(insights.failureRate.byAiShare, 'low');
    // A deploy recorded `failed` never took: the next deploy shipped its commit too (and the one that
    // failed after it would have), so a deploy's AI share is over the commits since the last one that
    // took. Every commit has 20 lines: half of them AI-assisted is AI-heavy.
    let pending: boolean[] = [];
    const aiHeavy = deploys.filter((d) => {
      const carried = [...pending, d.ai];
      pending = d.failed === 'ledger-failed' ? carried : [];
      return 2 * carried.filter(Boolean).length >= carried.length;
    }).length;
    expect(aiHeavy).toBeGreaterThan(234);
    expect(high.deploys).toBe(aiHeavy);
    expect(low.deploys).toBe(700 - aiHeavy);
    expect(high.ratio?.low).toBeLessThan(2);
    expect(high.ratio?.high).toBeGreaterThan(2);
    expect(
      insights.highlights.some((h) => h.dimension === 'aiShare' && /^AI-heavy deploys/.test(h.sentence)),
    ).toBe(true);
  });

  it('reports the DORA keys with their bands', () => {
    const { dora } = insights;
    // One deploy a day went out except the ledger-failed ones: about 7 a week, minus those.
    expect(dora.deploymentFrequencyPerWeek.value).toBeGreaterThan(6);
    expect(dora.deploymentFrequencyPerWeek.band).toMatch(/^(elite|high)$/);
    // Every change was committed 2 h before its deploy (the reverts 3 h before theirs).
    expect(dora.leadTimeHours.value).toBe(2);
    expect(dora.leadTimeHours.band).toBe('elite');
    expect(dora.changeFailureRate.value).toBeCloseTo(insights.failed / 700, 10);
    // 72 of 700 by construction (8% on 600 other days, 24% on 100 Fridays): 10.3%, the medium band.
    expect(dora.changeFailureRate.band).toBe('medium');
    expect(dora.timeToRestoreHours.sample).toBeGreaterThan(0);
    expect(insights.failureRate.byHour.find((r) => r.key === '14')?.deploys).toBe(700);
    expect(insights.mainBranch.source).toBe('reverts');
  });

  it('the text, markdown and html reports carry the same findings', async () => {
    const text = await runCli(['--repo', repo.dir, 'insights', '--since', '2024-12-01', '--now', NOW]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Friday deploys fail');
    const html = await runCli([
      '--repo',
      repo.dir,
      '--format',
      'html',
      'insights',
      '--since',
      '2024-12-01',
      '--now',
      NOW,
    ]);
    expect(html.stdout.startsWith('<!DOCTYPE html>') || html.stdout.startsWith('<!doctype html>')).toBe(true);
    expect(html.stdout).toContain('<svg');
  });

  it('plan on a Friday names the history factor with that evidence', async () => {
    repo.write('src/payments/new.ts', 'export const fee = 3;\n');
    repo.commit('payments: new fee');
    const result = await runCli([
      '--repo',
      repo.dir,
      '--format',
      'json',
      'plan',
      '--now',
      '2026-11-06T14:00:00Z',
      '--fail-on',
      'never',
    ]);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as Plan;
    const history = plan.factors.find((f) => f.id === 'history');
    expect(history?.summary).toMatch(/on a Friday/);
    expect(
      history?.evidence.some((line) =>
        /^\d+ of the last \d+ deploys touching payments on a Friday failed, were rolled back or needed a fix/.test(
          line,
        ),
      ),
    ).toBe(true);
    // On a Tuesday the same change scores lower on history.
    const tuesday = await runCli([
      '--repo',
      repo.dir,
      '--format',
      'json',
      'plan',
      '--now',
      '2026-11-10T14:00:00Z',
      '--fail-on',
      'never',
    ]);
    // Points are shares of a small score; the estimate itself says it: Friday's history weighs more.
    const calmer = JSON.parse(tuesday.stdout) as Plan;
    expect(calmer.estimate.probability).toBeLessThan(plan.estimate.probability);
    expect(calmer.factors.find((f) => f.id === 'history')?.summary).not.toMatch(/on a Friday/);
  });
});

describe('insights main-branch health', () => {
  it('comes from the CI source when one is configured (GitHub Actions runs, mocked after the API)', async () => {
    const small = makeRepo('da-insights-ci-');
    try {
      small.write(
        '.deployadvisor.yml',
        `version: 1\nsources:\n  ci: { provider: github, repo: acme/web, tokenEnv: GH_TOKEN_FOR_TEST, onError: ignore }\n`,
      );
      const sha = small.commit('first');
      const agent = new MockAgent();
      agent.disableNetConnect();
      const pool = agent.get('https://api.github.com');
      const runs = [...Array<string>(17).fill('success'), ...Array<string>(3).fill('failure')];
      pool
        .intercept({ path: '/repos/acme/web/actions/runs?branch=main&status=completed&per_page=20' })
        .reply(200, {
          total_count: runs.length,
          workflow_runs: runs.map((conclusion, i) => ({
            id: i + 1,
            head_branch: 'main',
            status: 'completed',
            conclusion,
          })),
        });
      pool
        .intercept({ path: `/repos/acme/web/commits/${sha}/check-runs?per_page=100` })
        .reply(200, { total_count: 0, check_runs: [] });
      pool.intercept({ path: `/repos/acme/web/commits/${sha}/pulls` }).reply(200, []);
      const result = await runCli(['--repo', small.dir, '--format', 'json', 'insights', '--now', NOW], {
        env: { GH_TOKEN_FOR_TEST: 'tok-insights-123' },
        dispatcher: agent,
      });
      expect(result.code).toBe(0);
      expect(result.stdout).not.toContain('tok-insights-123');
      const report = JSON.parse(result.stdout) as Insights;
      expect(report.mainBranch).toMatchObject({ source: 'ci', total: 20, failed: 3, successRate: 0.85 });
      // --offline asks nobody: reverts in git stand in.
      const offline = await runCli([
        '--repo',
        small.dir,
        '--format',
        'json',
        'insights',
        '--offline',
        '--now',
        NOW,
      ]);
      expect((JSON.parse(offline.stdout) as Insights).mainBranch.source).not.toBe('ci');
      expect((JSON.parse(offline.stdout) as Insights).diagnostics.map((d) => d.id)).toContain('no-deploys');
    } finally {
      small.cleanup();
    }
  });

  it('rejects a bad --since and an unknown --env with exit 2 and the value named', async () => {
    const since = await runCli(['--repo', repo.dir, 'insights', '--since', 'yesterday-ish', '--now', NOW]);
    expect(since.code).toBe(2);
    expect(since.stderr).toContain('--since "yesterday-ish"');
    const env = await runCli(['--repo', repo.dir, 'insights', '--env', 'moon', '--now', NOW]);
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('--env moon');
    const html = await runCli(['--repo', repo.dir, '--format', 'html', 'plan', '--now', NOW]);
    expect(html.code).toBe(2);
    expect(html.stderr).toContain('only insights writes HTML');
  });
});
