import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/assess/context.js';
import { describeDeploys } from '../../src/assess/deploy-history.js';
import type { Deploy } from '../../src/assess/deploys.js';
import { assessInsights } from '../../src/assess/insights.js';
import { policySchema } from '../../src/config/schema.js';

const LA = 'America/Los_Angeles';

/** Successful deploys at the given instants (no commits: the window is what these cases check). */
function insightsFor(deployedAt: string[], since: string, until: string, timezone = LA) {
  const deploys: Deploy[] = deployedAt.map((at, index) => ({
    env: 'production',
    sha: index.toString(16).padStart(40, '0'),
    base: null,
    at,
    endedAt: at,
    outcome: 'succeeded',
    restoredAt: null,
    reason: null,
  }));
  const history = describeDeploys({
    deploys,
    commits: [],
    classifier: createClassifier(policySchema.parse({})),
    timezone,
    reverts: new Map(),
    baseline: null,
    now: Date.parse(until),
  });
  return assessInsights({
    history,
    env: 'production',
    since: Date.parse(since),
    until: Date.parse(until),
    timezone,
    aiShareThreshold: 0.5,
    mainBranch: { source: 'none', branch: 'main', successRate: null, total: 0, failed: 0, summary: '' },
    toolVersion: 'test',
    diagnostics: [],
  });
}

describe('weekly buckets', () => {
  it('has every ISO week once across the spring DST change, from a Sunday night start', () => {
    // Sunday 1 March 2026, 23:30 in Los Angeles; clocks go forward on 8 March. 168-hour steps from
    // there land on Monday 9 March 00:30 and skip the week of 2 March.
    const report = insightsFor(
      ['2026-03-04T18:00:00Z', '2026-03-10T18:00:00Z'],
      '2026-03-02T07:30:00Z',
      '2026-03-24T12:00:00Z',
    );
    expect(report.weekly.map((w) => w.week)).toEqual([
      '2026-W09',
      '2026-W10',
      '2026-W11',
      '2026-W12',
      '2026-W13',
    ]);
    expect(report.weekly.map((w) => w.deploys)).toEqual([0, 1, 1, 0, 0]);
  });

  it('has consecutive weeks over a year in a zone with DST, whatever the start hour of the week', () => {
    for (let hour = 0; hour < 168; hour += 1) {
      const since = DateTime.fromISO('2025-11-03T00:00', { zone: LA }).plus({ hours: hour });
      const report = insightsFor([], since.toUTC().toISO() ?? '', '2026-11-02T12:00:00Z');
      const weeks = report.weekly.map((w) => w.week);
      expect(new Set(weeks).size).toBe(weeks.length);
      for (const [index, week] of weeks.entries()) {
        if (index === 0) continue;
        const previous = DateTime.fromISO(weeks[index - 1] ?? '', { zone: LA });
        expect(previous.plus({ weeks: 1 }).toFormat("kkkk-'W'WW")).toBe(week);
      }
      expect(weeks[0]).toBe(since.toFormat("kkkk-'W'WW"));
      expect(weeks.at(-1)).toBe('2026-W45');
    }
  });
});

describe('deployment frequency', () => {
  it('counts from the first recorded deploy when the window starts before the ledger, and says so', () => {
    // 6 deploys in the 3 weeks since the first one; the window asks for 90 days.
    const at = ['2026-11-02', '2026-11-05', '2026-11-09', '2026-11-12', '2026-11-16', '2026-11-19'].map(
      (day) => `${day}T18:00:00Z`,
    );
    const report = insightsFor(at, '2026-08-25T18:00:00Z', '2026-11-23T18:00:00Z');
    expect(report.window.weeks).toBeCloseTo(12.9, 1);
    expect(report.dora.deploymentFrequencyPerWeek.value).toBeCloseTo(2, 10);
    expect(report.dora.deploymentFrequencyPerWeek.summary).toBe(
      '6 deploy(s) went out in 3.0 weeks, counted from the first recorded deploy (2026-11-02): the window starts before the ledger does (failed deploys that never took are not counted).',
    );
  });

  it('uses the whole window when the ledger starts before it', () => {
    const at = ['2026-07-01', '2026-11-02', '2026-11-09', '2026-11-16'].map((day) => `${day}T18:00:00Z`);
    const report = insightsFor(at, '2026-10-26T18:00:00Z', '2026-11-23T18:00:00Z');
    expect(report.dora.deploymentFrequencyPerWeek.value).toBeCloseTo(3 / 4, 10);
    expect(report.dora.deploymentFrequencyPerWeek.summary).toBe(
      '3 deploy(s) went out in 4.0 weeks (failed deploys that never took are not counted).',
    );
  });

  it('counts at least a week from a first deploy made days ago', () => {
    const report = insightsFor(['2026-11-22T18:00:00Z'], '2026-08-25T18:00:00Z', '2026-11-23T18:00:00Z');
    expect(report.dora.deploymentFrequencyPerWeek.value).toBe(1);
  });
});
