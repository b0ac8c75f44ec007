import { afterEach, describe, expect, it } from 'vitest';
import type { Insights } from '../../src/assess/insights-types.js';
import type { Plan } from '../../src/assess/plan-types.js';
import { writeLedger } from '../helpers/history.js';
import { deployEvent as event } from '../helpers/records.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

// A deploy whose shipped code a later fix commit changed (SZZ, within model.hotfixDays) needed
// remediation: insights counts it as failed with failedBy "hotfix", and the history factor learns from it.

const repos: TestRepo[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

const lines = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => `export const v${i} = '${tag}-${i}';`).join('\n') + '\n';

/**
 * init (deployed the 1st), feature (deployed the 2nd) writes src/app.ts, docs (deployed the 3rd) touches
 * only the README, and on `fixDay` "fix: crash in app" changes the feature's lines (deployed an hour later).
 */
function build(fixDay: string, policy = '') {
  const repo = makeRepo('da-hotfix-deploys-');
  repos.push(repo);
  repo.write('.deployadvisor.yml', `version: 1\ntimezone: UTC\n${policy}`);
  repo.write('src/base.ts', lines(3, 'base'));
  const init = repo.commit('init', { date: '2026-01-01T10:00:00Z' });
  repo.write('src/app.ts', lines(20, 'feature'));
  const feature = repo.commit('add the export feature', { date: '2026-01-02T10:00:00Z' });
  repo.write('README.md', 'docs\n');
  const docs = repo.commit('docs: explain the export', { date: '2026-01-03T10:00:00Z' });
  repo.write('src/app.ts', lines(20, 'feature').replace("'feature-3'", "'fixed-3'"));
  const fix = repo.commit('fix: crash in the export when v3 is empty', { date: `${fixDay}T10:00:00Z` });
  writeLedger(repo, [
    event('succeeded', init, '2026-01-01T12:00:00Z'),
    event('succeeded', feature, '2026-01-02T12:00:00Z', { base: init }),
    event('succeeded', docs, '2026-01-03T12:00:00Z', { base: feature }),
    event('succeeded', fix, `${fixDay}T11:00:00Z`, { base: docs }),
  ]);
  return { repo, feature, fix };
}

async function insights(repo: TestRepo, now: string): Promise<Insights> {
  const result = await runCli([
    '--repo',
    repo.dir,
    '--format',
    'json',
    'insights',
    '--since',
    '2025-12-31',
    '--now',
    now,
    '--offline',
  ]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Insights;
}

const outcomes = (report: Insights) =>
  report.deployList.map((d) => [d.sha.slice(0, 7), d.outcome, d.failedBy, d.restoredHours]);

describe('hotfix labels in insights', () => {
  it('marks the deploy that shipped the fixed lines, once the fix is known', async () => {
    const { repo, feature, fix } = build('2026-01-10');
    const after = await insights(repo, '2026-01-11T00:00:00Z');
    expect(outcomes(after)).toEqual([
      [expect.any(String), 'succeeded', null, null],
      [feature.slice(0, 7), 'failed', 'hotfix', 8 * 24 - 1],
      [expect.any(String), 'succeeded', null, null],
      [fix.slice(0, 7), 'succeeded', null, null],
    ]);
    expect(after.dora.changeFailureRate.value).toBe(0.25);
    expect(after.dora.changeFailureRate.summary).toContain('1 shipped code a later fix commit changed');

    // Before the fix was committed nothing was known.
    const before = await insights(repo, '2026-01-09T00:00:00Z');
    expect(before.deployList.map((d) => d.failedBy)).toEqual([null, null, null]);
  });

  it('does not count a fix made after the hotfix window', async () => {
    const { repo } = build('2026-03-01');
    const report = await insights(repo, '2026-03-02T00:00:00Z');
    expect(report.deployList.map((d) => d.failedBy)).toEqual([null, null, null, null]);
  });

  it('follows model.hotfixDays', async () => {
    const { repo, feature } = build('2026-03-01', 'model:\n  hotfixDays: 90\n');
    const report = await insights(repo, '2026-03-02T00:00:00Z');
    expect(report.deployList.find((d) => d.failedBy !== null)?.sha).toBe(feature);
  });
});

describe('hotfix labels in the history factor', () => {
  it('counts the hot-fixed deploy in the base rate', async () => {
    const { repo } = build('2026-01-10');
    repo.write('src/app.ts', lines(20, 'next'));
    repo.commit('rework the export', { date: '2026-01-12T10:00:00Z' });
    const result = await runCli([
      '--repo',
      repo.dir,
      '--format',
      'json',
      'plan',
      '--now',
      '2026-01-12T12:00:00Z',
      '--fail-on',
      'never',
    ]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Plan;
    const history = report.factors.find((f) => f.id === 'history');
    expect(history?.evidence.find((line) => line.startsWith('base rate'))).toMatch(
      /^base rate: 1 of 4 deploys/,
    );
  });
});
