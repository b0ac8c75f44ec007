import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BacktestResult } from '../../src/assess/backtest.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli, runPlanJson } from '../helpers/run.js';

type BacktestJson = Omit<BacktestResult, 'changeList'> & {
  changes: BacktestResult['changeList'];
  changeCount: number;
};

async function backtest(dir: string, ...args: string[]): Promise<BacktestJson> {
  const result = await runCli(['--repo', dir, '--format', 'json', 'backtest', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as BacktestJson;
}

const day = (n: number, hour = 10) =>
  new Date(Date.parse('2026-01-05T00:00:00Z') + n * 86_400_000 + hour * 3_600_000).toISOString();

function lines(count: number, prefix: string): string {
  return Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`).join('\n') + '\n';
}

describe('hotfix labels (SZZ)', () => {
  let repo: TestRepo;
  const sha: Record<string, string> = {};

  beforeAll(() => {
    repo = makeRepo('da-szz-');
    repo.write('src/a.ts', lines(20, 'a'));
    repo.write('src/b.ts', lines(20, 'b'));
    repo.write('src/c.ts', lines(20, 'c'));
    sha.base = repo.commit('initial', { date: day(0) });
    // Lines 5-8 of a.ts, later fixed within the window.
    repo.write('src/a.ts', lines(20, 'a').replace('a 5\na 6\na 7\na 8\n', 'bad 5\nbad 6\nbad 7\nbad 8\n'));
    sha.induced = repo.commit('feat: new parsing in a', { date: day(1) });
    // b.ts: fixed, but 40 days later (outside the 30-day window).
    repo.write('src/b.ts', lines(20, 'b').replace('b 3\n', 'late 3\n'));
    sha.late = repo.commit('feat: tweak b', { date: day(2) });
    // c.ts: a typo fix changes it: not evidence of a defect.
    repo.write('src/c.ts', lines(20, 'c').replace('c 9\n', 'cc 9\n'));
    sha.typoTarget = repo.commit('feat: tweak c', { date: day(3) });
    // A docs change between.
    repo.write('README.md', '# readme\n');
    repo.commit('docs: readme', { date: day(4) });
    repo.write('src/a.ts', readFileSync(join(repo.dir, 'src/a.ts'), 'utf8').replace('bad 6\n', 'good 6\n'));
    sha.fix = repo.commit('fix: crash when parsing a', { date: day(10) });
    repo.write('src/c.ts', readFileSync(join(repo.dir, 'src/c.ts'), 'utf8').replace('cc 9\n', 'c 9\n'));
    repo.commit('fix typo in c', { date: day(11) });
    repo.write('src/b.ts', readFileSync(join(repo.dir, 'src/b.ts'), 'utf8').replace('late 3\n', 'b 3\n'));
    repo.commit('fix: b was wrong', { date: day(42) });
  });
  afterAll(() => {
    repo.cleanup();
  });

  it('labels the change whose lines a fix changed within the window, and only that one', async () => {
    const json = await backtest(repo.dir);
    const hot = json.changes.filter((c) => c.labels.includes('hotfix')).map((c) => c.sha);
    expect(hot).toEqual([sha.induced]);
    const induced = json.changes.find((c) => c.sha === sha.induced);
    expect(induced?.failedBy).toBe('hotfix');
    expect(json.labels).toEqual({ revert: 0, hotfix: 1, ledger: 0 });
    // fix: crash…, fix: b was wrong (fix typo is not a defect)
    expect(json.hotfix.fixCommits).toBe(2);
    expect(json.byKind.hotfix.events).toBe(1);
    expect(json.model.hotfixDays).toBe(30);
  });

  it('finds the same labels whatever diff prefix settings the repository has', async () => {
    repo.git('config', 'diff.noprefix', 'true');
    try {
      rmSync(join(repo.dir, '.git', 'deployadvisor'), { recursive: true, force: true });
      const json = await backtest(repo.dir);
      expect(json.changes.filter((c) => c.labels.includes('hotfix')).map((c) => c.sha)).toEqual([
        sha.induced,
      ]);
    } finally {
      repo.git('config', '--unset', 'diff.noprefix');
      rmSync(join(repo.dir, '.git', 'deployadvisor'), { recursive: true, force: true });
    }
  });

  it('a longer hotfixDays window reaches the late fix too', async () => {
    repo.write('.deployadvisor.yml', 'version: 1\nmodel: { hotfixDays: 60 }\n');
    try {
      const result = await runCli(['--repo', repo.dir, '--format', 'json', 'backtest', 'HEAD']);
      expect(result.code).toBe(0);
      const json = JSON.parse(result.stdout) as BacktestJson;
      const hot = json.changes.filter((c) => c.labels.includes('hotfix')).map((c) => c.sha);
      expect(hot.sort()).toEqual([sha.induced, sha.late].sort());
    } finally {
      repo.git('clean', '-fdq', '--', '.deployadvisor.yml');
    }
  });

  it('caches blame answers under the git directory, and a second run uses them with the same labels', async () => {
    const first = await backtest(repo.dir);
    const cache = join(repo.dir, '.git', 'deployadvisor', 'szz-v2-30d.jsonl');
    expect(existsSync(cache)).toBe(true);
    const second = await backtest(repo.dir);
    expect(second.hotfix.blamedNow).toBe(0);
    expect(second.hotfix.fromCache).toBe(2);
    expect(second.changes.map((c) => [c.sha, c.labels])).toEqual(first.changes.map((c) => [c.sha, c.labels]));
  });

  it('reports per-kind figures with intervals, flag rates and the model it used', async () => {
    const json = await backtest(repo.dir);
    expect(json.model.source).toBe('prior');
    expect(Object.keys(json.byKind).sort()).toEqual(['any', 'hotfix', 'ledger', 'revert']);
    expect(json.byKind.revert.auc).toBeNull();
    expect(json.flagRates.blockAt.threshold).toBe(65);
    const days = new Set(json.changes.map((c) => c.at.slice(0, 10)));
    expect(json.deployFlagRates.count).toBe(days.size);
    expect(json.deployFlagRates.units).toBe('days');
    for (const change of json.changes) {
      expect(change.score).toBe(Math.round(change.probability * 100));
      for (const value of Object.values(change.features)) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('no look-ahead', () => {
  it('scores of old changes do not change when later history is added', async () => {
    const repo = makeRepo('da-lookahead-');
    try {
      for (let i = 0; i < 30; i++) {
        repo.writeLines(`src/m${i % 4}.ts`, 5 + ((i * 7) % 40), `v${i}`);
        repo.commit(i % 5 === 0 ? `fix: m${i % 4} broke` : `feat: change ${i}`, { date: day(i) });
      }
      const before = await backtest(repo.dir);
      for (let i = 30; i < 45; i++) {
        repo.writeLines(`src/m${i % 4}.ts`, 3 + ((i * 11) % 60), `w${i}`);
        repo.commit(i % 3 === 0 ? `fix: m${i % 4} again` : `feat: more ${i}`, { date: day(i) });
      }
      const after = await backtest(repo.dir);
      const later = new Map(after.changes.map((c) => [c.sha, c]));
      for (const change of before.changes) {
        expect(later.get(change.sha)?.probability).toBe(change.probability);
        expect(later.get(change.sha)?.features).toEqual(change.features);
      }
    } finally {
      repo.cleanup();
    }
  });
});

describe('plan with the model', () => {
  let repo: TestRepo;
  beforeAll(() => {
    // A squash-merge history: no Reviewed-by anywhere, no coverage configured.
    repo = makeRepo('da-model-plan-');
    repo.write('src/quiet.ts', lines(40, 'q'));
    repo.write('src/hot.ts', lines(40, 'h'));
    repo.commit('initial', { date: day(0) });
    for (let i = 1; i <= 60; i++) {
      // Ordinary work: small changes to many files.
      repo.writeLines(`src/feature${i % 12}.ts`, 4 + (i % 9), `f${i}`);
      repo.write('test/feature.test.ts', lines(3 + (i % 5), `t${i}`));
      repo.commit(`feat: feature ${i} (#${i})`, { date: day(i, 9) });
      if (i % 3 === 0) {
        // hot.ts keeps getting fixed.
        repo.write('src/hot.ts', lines(40, `h${i}`));
        repo.commit(`fix: hot path regression (#${i}00)`, { date: day(i, 15) });
      }
    }
  });
  afterAll(() => {
    repo.cleanup();
  });

  it('a file that keeps getting fixed makes its next change riskier than the same change elsewhere, with no policy', async () => {
    repo.write('src/hot.ts', lines(40, 'h').replace('h 7\n', 'changed 7\n'));
    repo.commit('feat: small change to hot', { date: day(61) });
    const hot = await runPlanJson(repo.dir, ['--from', 'HEAD~1', '--fail-on', 'never']);
    repo.git('reset', '-q', '--hard', 'HEAD~1');
    repo.write('src/quiet.ts', lines(40, 'q').replace('q 7\n', 'changed 7\n'));
    repo.commit('feat: small change to quiet', { date: day(61) });
    const quiet = await runPlanJson(repo.dir, ['--from', 'HEAD~1', '--fail-on', 'never']);
    repo.git('reset', '-q', '--hard', 'HEAD~1');
    expect(hot.plan.estimate.probability).toBeGreaterThan(quiet.plan.estimate.probability);
    const churn = hot.plan.factors.find((f) => f.id === 'churn');
    expect(churn?.points).toBeGreaterThan(0);
    expect(churn?.evidence.join('\n')).toMatch(
      /earlier fix commits on the same files \d+ \(more than \d+% of changes here\)/,
    );
  });

  it('a test-only commit is not risky and gets no review or coverage points in a squash-merge repository', async () => {
    repo.write('test/feature.test.ts', lines(26, 'only tests'));
    repo.commit('test: more cases', { date: day(62) });
    const { plan } = await runPlanJson(repo.dir, ['--from', 'HEAD~1']);
    repo.git('reset', '-q', '--hard', 'HEAD~1');
    expect(plan.score).toBeLessThan(plan.thresholds.riskyAt);
    expect(plan.verdict).toBe('GO');
    expect(plan.factors.find((f) => f.id === 'review')?.points).toBe(0);
    expect(plan.factors.find((f) => f.id === 'tests')?.points).toBe(0);
    expect(plan.estimate.sentence).toMatch(
      /^Estimated chance this deploy needs a rollback or a hotfix within 30 days: /,
    );
  });

  it('a large release of many code commits is risky, and names its riskiest commits', async () => {
    const { plan } = await runPlanJson(repo.dir, ['--from', 'HEAD~60', '--fail-on', 'never']);
    expect(plan.range.commits).toBe(60);
    expect(plan.score).toBeGreaterThanOrEqual(plan.thresholds.waitAt);
    expect(plan.estimate.riskiest).toHaveLength(3);
    expect(plan.estimate.comparedWith).toBeGreaterThan(0);
  });
});
