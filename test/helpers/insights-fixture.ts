import {
  WEEKDAYS,
  type DeployRow,
  type DoraKey,
  type Insights,
  type RateRow,
} from '../../src/assess/insights-types.js';

/*
 * Insights objects for renderer tests: a realistic quarter (120 deploys, Fridays 9 of 31 failed) and an
 * empty window. Rates, Wilson intervals and ratios are computed here the textbook way, so the numbers the
 * renderers print are the numbers a reader could check by hand.
 */

const Z = 1.959964;

/** The 95% Wilson score interval of failed/deploys. */
export function wilson(failed: number, deploys: number): { low: number; high: number } {
  const p = failed / deploys;
  const z2 = Z * Z;
  const centre = p + z2 / (2 * deploys);
  const spread = Z * Math.sqrt((p * (1 - p)) / deploys + z2 / (4 * deploys * deploys));
  const denominator = 1 + z2 / deploys;
  return {
    low: Math.max(0, (centre - spread) / denominator),
    high: Math.min(1, (centre + spread) / denominator),
  };
}

/** A breakdown row against the rest of the deploys (`totalDeploys`, `totalFailed`); Katz log interval for the ratio. */
export function rateRow(
  key: string,
  deploys: number,
  failed: number,
  totalDeploys: number,
  totalFailed: number,
): RateRow {
  if (deploys === 0) return { key, deploys, failed, rate: null, low: null, high: null, ratio: null };
  const { low, high } = wilson(failed, deploys);
  const otherDeploys = totalDeploys - deploys;
  const otherFailed = totalFailed - failed;
  let ratio: RateRow['ratio'] = null;
  if (failed > 0 && otherFailed > 0 && otherDeploys > 0) {
    const value = failed / deploys / (otherFailed / otherDeploys);
    const se = Math.sqrt(1 / failed - 1 / deploys + 1 / otherFailed - 1 / otherDeploys);
    ratio = { value, low: value * Math.exp(-Z * se), high: value * Math.exp(Z * se) };
  }
  return { key, deploys, failed, rate: failed / deploys, low, high, ratio };
}

const TOTAL = 120;
const FAILED = 13;

/** [deploys, failed] per weekday, mon..sun. */
const WEEKDAY_COUNTS: Array<[number, number]> = [
  [22, 2],
  [24, 1],
  [23, 1],
  [20, 0],
  [31, 9],
  [0, 0],
  [0, 0],
];
/** hour → [deploys, failed]; hours not listed had no deploys. */
const HOUR_COUNTS: Record<number, [number, number]> = {
  9: [10, 1],
  10: [18, 1],
  11: [20, 2],
  13: [16, 1],
  14: [22, 2],
  15: [18, 3],
  16: [12, 2],
  17: [4, 1],
};
const WEEKLY: Array<[number, number]> = [
  [8, 1],
  [9, 0],
  [11, 2],
  [10, 1],
  [12, 1],
  [7, 0],
  [10, 2],
  [11, 1],
  [9, 0],
  [13, 3],
  [10, 1],
  [10, 1],
];

function dora(value: number | null, band: DoraKey['band'], sample: number, summary: string): DoraKey {
  return { value, band, sample, summary };
}

/** 120 deploys: one row per deploy, weekdays and failures as in WEEKDAY_COUNTS, at 09:00–17:00. */
function deployList(): DeployRow[] {
  const rows: DeployRow[] = [];
  const hours = Object.keys(HOUR_COUNTS).map(Number);
  WEEKDAY_COUNTS.forEach(([deploys, failed], day) => {
    for (let i = 0; i < deploys; i++) {
      const index = rows.length;
      const week = Math.floor(index / 10);
      const hour = hours[index % hours.length] ?? 9;
      // 2026-01-05 is a Monday; policy timezone is UTC in this fixture, so weekday/hour read straight off.
      const date = new Date(Date.UTC(2026, 0, 5 + week * 7 + day, hour, 15));
      const bad = i < failed;
      rows.push({
        env: 'production',
        sha: (index * 2654435761).toString(16).padStart(8, '0').repeat(5).slice(0, 40),
        at: date.toISOString(),
        outcome: bad ? (i % 2 === 0 ? 'rolled-back' : 'failed') : 'succeeded',
        failedBy: bad ? (i % 3 === 2 ? 'revert' : 'ledger') : null,
        commits: 1 + (index % 7),
        linesChanged: 12 + ((index * 37) % 900),
        aiShare: index % 5 === 0 ? null : ((index * 13) % 100) / 100,
        zones: index % 4 === 0 ? ['payments'] : index % 3 === 0 ? ['auth', 'api'] : ['api'],
        weekday: WEEKDAYS[day] ?? 'mon',
        hour,
        restoredHours: bad ? 1 + (i % 5) * 1.25 : null,
      });
    }
  });
  return rows;
}

export function busyInsights(): Insights {
  const row = (key: string, [deploys, failed]: [number, number]) =>
    rateRow(key, deploys, failed, TOTAL, FAILED);
  return {
    schemaVersion: 'deployadvisor.insights/1',
    tool: { name: 'deployadvisor', version: '0.1.0' },
    env: 'production',
    window: {
      since: '2026-01-05T00:00:00.000Z',
      until: '2026-03-30T00:00:00.000Z',
      timezone: 'UTC',
      weeks: 12,
    },
    deploys: TOTAL,
    failed: FAILED,
    dora: {
      deploymentFrequencyPerWeek: dora(10, 'high', 120, '120 deploys to production in 12 weeks.'),
      leadTimeHours: dora(
        26.4,
        'high',
        342,
        'Median of 342 commits from commit time to the first good deploy.',
      ),
      changeFailureRate: dora(13 / 120, 'medium', 120, '13 of 120 deploys failed or were rolled back.'),
      timeToRestoreHours: dora(
        3.5,
        'elite',
        13,
        'Median of 13 failures to the next good deploy or rollback.',
      ),
    },
    failureRate: {
      byWeekday: WEEKDAYS.map((day, i) => row(day, WEEKDAY_COUNTS[i] ?? [0, 0])),
      byHour: Array.from({ length: 24 }, (_, hour) => row(String(hour), HOUR_COUNTS[hour] ?? [0, 0])),
      byZone: [row('payments', [30, 6]), row('auth', [27, 3]), row('api', [90, 7])],
      byAiShare: [row('low', [70, 5]), row('high', [50, 8])],
    },
    aiShareThreshold: 0.5,
    highlights: [
      {
        dimension: 'weekday',
        key: 'fri',
        sentence: 'Friday deploys fail 6.5x as often: 9 of 31 vs 4.5 per 100 on other days.',
        significant: true,
      },
      {
        dimension: 'aiShare',
        key: 'high',
        sentence: 'Deploys with AI share ≥ 50% fail 2.2x as often: 8 of 50 vs 7.1 per 100.',
        significant: false,
      },
    ],
    mainBranch: {
      source: 'ci',
      branch: 'main',
      successRate: 170 / 240,
      total: 240,
      failed: 70,
      summary: 'GitHub Actions: 170 of the last 240 runs on main succeeded, under the 90% benchmark.',
    },
    weekly: WEEKLY.map(([deploys, failed], i) => ({
      week: `2026-W${String(i + 2).padStart(2, '0')}`,
      deploys,
      failed,
    })),
    deployList: deployList(),
    diagnostics: [
      {
        id: 'insights-reverts-as-failures',
        level: 'info',
        message: '4 failures were found by reverts on main, not by ledger records.',
        remedy: 'Record outcomes with `deployadvisor record failed`.',
      },
    ],
  };
}

export function emptyInsights(): Insights {
  const none = (key: string): RateRow => rateRow(key, 0, 0, 0, 0);
  const nothing = (summary: string) => dora(null, null, 0, summary);
  return {
    schemaVersion: 'deployadvisor.insights/1',
    tool: { name: 'deployadvisor', version: '0.1.0' },
    env: 'staging',
    window: {
      since: '2026-01-05T00:00:00.000Z',
      until: '2026-03-30T00:00:00.000Z',
      timezone: 'UTC',
      weeks: 12,
    },
    deploys: 0,
    failed: 0,
    dora: {
      deploymentFrequencyPerWeek: nothing('No deploys to staging in the window.'),
      leadTimeHours: nothing('No successful deploys to measure lead time against.'),
      changeFailureRate: nothing('No deploys to count failures among.'),
      timeToRestoreHours: nothing('No failed deploys to restore from.'),
    },
    failureRate: {
      byWeekday: WEEKDAYS.map(none),
      byHour: Array.from({ length: 24 }, (_, hour) => none(String(hour))),
      byZone: [],
      byAiShare: [],
    },
    aiShareThreshold: 0.5,
    highlights: [],
    mainBranch: {
      source: 'none',
      branch: null,
      successRate: null,
      total: 0,
      failed: 0,
      summary: 'No CI source configured and no main-branch history to read reverts from.',
    },
    weekly: Array.from({ length: 12 }, (_, i) => ({
      week: `2026-W${String(i + 2).padStart(2, '0')}`,
      deploys: 0,
      failed: 0,
    })),
    deployList: [],
    diagnostics: [
      {
        id: 'insights-no-deploys',
        level: 'warning',
        message: 'The ledger has no deploy records for staging.',
        remedy: 'Record deploys with `deployadvisor record started|succeeded|failed`.',
      },
    ],
  };
}
