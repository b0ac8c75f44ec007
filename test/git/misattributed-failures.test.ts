import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BacktestResult } from '../../src/assess/backtest.js';
import type { Insights, RateRow } from '../../src/assess/insights-types.js';
import type { Plan } from '../../src/assess/plan-types.js';
import type { RecordBody } from '../../src/ledger/record.js';
import { writeLedger } from '../helpers/history.js';
import { deployEvent } from '../helpers/records.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

// Four weeks of one deploy a weekday at 14:00 UTC from Monday 2026-01-05. Monday to Thursday succeed;
// every Friday's deploy is `started` and then `rolled-back --sha <that Friday's commit>` with no outcome
// in between. The planted pattern is "Fridays fail": none of it may land on Thursday.
const WEEKS = 4;
let repo: TestRepo;
const days: Array<{ sha: string; weekday: number; at: string }> = [];
let lastThursday = '';

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

beforeAll(() => {
  repo = makeRepo('da-misattributed-');
  repo.write('.deployadvisor.yml', 'version: 1\ntimezone: UTC\n');
  repo.commit('policy', { date: '2026-01-04T10:00:00Z' });
  const start = Date.parse('2026-01-05T00:00:00Z');
  const bodies: RecordBody[] = [];
  let running: string | null = null;
  for (let week = 0; week < WEEKS; week++) {
    for (let weekday = 0; weekday < 5; weekday++) {
      const day = start + (week * 7 + weekday) * 86_400_000;
      repo.write(`src/c${week}-${weekday}.ts`, `export const v = ${week * 5 + weekday};\n`);
      const sha = repo.commit(`change ${week}-${weekday}`, { date: iso(day + 10 * 3_600_000) });
      const at = iso(day + 14 * 3_600_000);
      days.push({ sha, weekday, at });
      if (weekday === 4) {
        bodies.push(deployEvent('started', sha, at, { base: running }));
        bodies.push(
          deployEvent('rolled-back', sha, iso(day + 14.5 * 3_600_000), {
            base: running,
            reason: 'error rate up',
          }),
        );
      } else {
        bodies.push(deployEvent('succeeded', sha, at, { base: running }));
        running = sha;
        if (weekday === 3) lastThursday = sha;
      }
    }
  }
  writeLedger(repo, bodies);
});

afterAll(() => {
  repo.cleanup();
});

function row(rows: RateRow[], key: string): RateRow {
  const found = rows.find((r) => r.key === key);
  if (found === undefined) throw new Error(`no row ${key}`);
  return found;
}

describe('started then rolled-back is a failure of that commit', () => {
  it('insights charges the Fridays, not the Thursdays before them', async () => {
    const result = await runCli([
      '--repo',
      repo.dir,
      '--format',
      'json',
      'insights',
      '--since',
      '2026-01-01',
      '--now',
      '2026-02-06T00:00:00Z',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const insights = JSON.parse(result.stdout) as Insights;
    expect(insights.deploys).toBe(WEEKS * 5);
    expect(insights.failed).toBe(WEEKS);
    expect(row(insights.failureRate.byWeekday, 'fri')).toMatchObject({ deploys: WEEKS, failed: WEEKS });
    expect(row(insights.failureRate.byWeekday, 'thu')).toMatchObject({ deploys: WEEKS, failed: 0 });
    const fridays = new Set(days.filter((d) => d.weekday === 4).map((d) => d.sha));
    const failed = insights.deployList.filter((d) => d.outcome !== 'succeeded');
    expect(failed.map((d) => d.sha).sort()).toEqual([...fridays].sort());
    expect(failed.every((d) => d.failedBy === 'ledger' && d.weekday === 'fri')).toBe(true);
  });

  it("plan's history factor sees the Friday pattern, and its base is the Thursday deploy", async () => {
    // A new commit, planned on a Friday after the last rollback.
    repo.write('src/next.ts', 'export const next = 1;\n');
    const next = repo.commit('next', { date: '2026-01-30T15:00:00Z' });
    try {
      const result = await runCli([
        '--repo',
        repo.dir,
        '--format',
        'json',
        'plan',
        '--now',
        '2026-01-30T16:00:00Z',
        '--fail-on',
        'never',
      ]);
      expect(result.code).toBe(0);
      const plan = JSON.parse(result.stdout) as Plan;
      expect(plan.range.from).toBe(lastThursday);
      expect(plan.range.commits).toBe(2);
      const history = plan.factors.find((f) => f.id === 'history');
      const friday = history?.evidence.find((e) => e.includes('deploys on a Friday failed'));
      expect(friday).toMatch(new RegExp(`^${WEEKS} of the last ${WEEKS} deploys on a Friday failed`));
      expect(history?.evidence[0]).toMatch(new RegExp(`^base rate: ${WEEKS} of ${WEEKS * 5} deploys `));
    } finally {
      repo.git('reset', '-q', '--hard', `${next}~1`);
    }
  });

  it("backtest labels the Fridays' commits from the ledger, not Thursday's", async () => {
    const result = await runCli(['--repo', repo.dir, '--format', 'json', 'backtest', 'HEAD~20..HEAD']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { changes: BacktestResult['changeList'] };
    const failed = report.changes.filter((c) => c.failed).map((c) => c.sha);
    const fridays = days.filter((d) => d.weekday === 4).map((d) => d.sha);
    expect(failed.sort()).toEqual([...fridays].sort());
    expect(report.changes.filter((c) => c.failed).every((c) => c.failedBy === 'ledger')).toBe(true);
  });
});
