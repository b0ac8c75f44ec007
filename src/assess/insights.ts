import { DateTime } from 'luxon';
import type { DeployHistory, PastDeploy } from './deploy-history.js';
import type { Diagnostic } from './facts.js';
import {
  WEEKDAY_NAMES,
  WEEKDAYS,
  type Weekday,
  type DeployRow,
  type Dora,
  type DoraBand,
  type DoraKey,
  type Highlight,
  type Insights,
  type MainBranchHealth,
  type RateRow,
} from './insights-types.js';
import { median, rateRatio, wilson } from './stats.js';
import { byText } from './text.js';

export interface InsightsInput {
  history: DeployHistory;
  env: string;
  /** Window start and end (epoch ms); `until` is `--now` or the clock. */
  since: number;
  until: number;
  timezone: string;
  aiShareThreshold: number;
  mainBranch: MainBranchHealth;
  toolVersion: string;
  diagnostics: Diagnostic[];
}

const WEEK = 7 * 24 * 3_600_000;

/**
 * DORA performance bands, after the 2023 State of DevOps report's clusters: elite deploys on demand
 * (daily or more), changes reach production within a day, at most 5% of deploys fail and service is
 * restored within an hour; the other bands are at most a week / 10% / a day (high) and at most a month /
 * 15% / a week (medium).
 */
export const DORA_THRESHOLDS = {
  deploymentFrequencyPerWeek: { elite: 7, high: 1, medium: 12 / 52 },
  leadTimeHours: { elite: 24, high: 168, medium: 720 },
  changeFailureRate: { elite: 0.05, high: 0.1, medium: 0.15 },
  timeToRestoreHours: { elite: 1, high: 24, medium: 168 },
} as const;

function bandAtLeast(value: number, t: { elite: number; high: number; medium: number }): DoraBand {
  return value >= t.elite ? 'elite' : value >= t.high ? 'high' : value >= t.medium ? 'medium' : 'low';
}

function bandBelow(
  value: number,
  t: { elite: number; high: number; medium: number },
  strict: boolean,
): DoraBand {
  const under = (limit: number) => (strict ? value < limit : value <= limit);
  return under(t.elite) ? 'elite' : under(t.high) ? 'high' : under(t.medium) ? 'medium' : 'low';
}

export function hoursText(hours: number): string {
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${hours.toFixed(1)} h`;
  return `${(hours / 24).toFixed(1)} days`;
}

/** The span deployment frequency is measured over: the window, or less when the ledger starts later. */
interface FrequencySpan {
  weeks: number;
  /** The env's first recorded deploy (ISO), when the window starts before it. */
  firstDeploy: string | null;
}

function dora(deploys: readonly PastDeploy[], history: DeployHistory, span: FrequencySpan): Dora {
  const { weeks } = span;
  const shipped = deploys.filter((d) => d.deploy.outcome !== 'failed');
  const perWeek = weeks > 0 ? shipped.length / weeks : 0;
  const inWindow = new Set(deploys.map((d) => d.deploy.sha));
  const leads = history.leadTimes.filter((lead) => inWindow.has(lead.deploy)).map((lead) => lead.hours);
  const lead = median(leads);
  const failed = deploys.filter((d) => d.failed);
  const cfr = deploys.length === 0 ? null : failed.length / deploys.length;
  const restores = failed.flatMap((d) => (d.row.restoredHours === null ? [] : [d.row.restoredHours]));
  const restore = median(restores);
  const key = (value: number | null, band: DoraBand | null, sample: number, summary: string): DoraKey => ({
    value,
    band,
    sample,
    summary,
  });
  const t = DORA_THRESHOLDS;
  return {
    deploymentFrequencyPerWeek: key(
      deploys.length === 0 ? null : perWeek,
      deploys.length === 0 ? null : bandAtLeast(perWeek, t.deploymentFrequencyPerWeek),
      shipped.length,
      span.firstDeploy === null
        ? `${shipped.length} deploy(s) went out in ${weeks.toFixed(1)} weeks (failed deploys that never took are not counted).`
        : `${shipped.length} deploy(s) went out in ${weeks.toFixed(1)} weeks, counted from the first recorded deploy (${span.firstDeploy.slice(0, 10)}): the window starts before the ledger does (failed deploys that never took are not counted).`,
    ),
    leadTimeHours: key(
      lead,
      lead === null ? null : bandBelow(lead, t.leadTimeHours, true),
      leads.length,
      lead === null
        ? 'No commit has a recorded successful deploy in the window.'
        : `Median time from commit to the first successful deploy that shipped it, over ${leads.length} commit(s): ${hoursText(lead)}.`,
    ),
    changeFailureRate: key(
      cfr,
      cfr === null ? null : bandBelow(cfr, t.changeFailureRate, false),
      deploys.length,
      cfr === null
        ? 'No deploys in the window.'
        : `${failed.length} of ${deploys.length} deploy(s) needed remediation (each counted once): ${failureKinds(failed)}.`,
    ),
    timeToRestoreHours: key(
      restore,
      restore === null ? null : bandBelow(restore, t.timeToRestoreHours, true),
      restores.length,
      restore === null
        ? failed.length === 0
          ? 'No failed deploys to restore from.'
          : 'No failed deploy has a recorded restore (rollback or later successful deploy).'
        : `Median time from a failed deploy to the rollback or next good deploy, over ${restores.length} failure(s): ${hoursText(restore)}.`,
    ),
  };
}

/** "2 failed or rolled back (ledger), 1 shipped a change later reverted, 3 one later hot-fixed". */
function failureKinds(failed: readonly PastDeploy[]): string {
  const count = (kind: DeployRow['failedBy']) => failed.filter((d) => d.row.failedBy === kind).length;
  return [
    `${count('ledger')} failed or rolled back by the ledger`,
    `${count('revert')} shipped a change later reverted`,
    `${count('hotfix')} shipped code a later fix commit changed`,
  ].join(', ');
}

/** Rate rows for the groups of `keys`, each compared with all other deploys. */
function rows(
  deploys: readonly PastDeploy[],
  keys: readonly string[],
  keysOf: (deploy: PastDeploy) => readonly string[],
): RateRow[] {
  const total = deploys.length;
  const totalFailed = deploys.filter((d) => d.failed).length;
  return keys.map((key) => {
    const group = deploys.filter((d) => keysOf(d).includes(key));
    const failed = group.filter((d) => d.failed).length;
    const interval = wilson(failed, group.length);
    const ratio = rateRatio(failed, group.length, totalFailed - failed, total - group.length);
    return {
      key,
      deploys: group.length,
      failed,
      rate: group.length === 0 ? null : failed / group.length,
      low: interval?.low ?? null,
      high: interval?.high ?? null,
      ratio,
    };
  });
}

function per100(failed: number, n: number): string {
  const value = (100 * failed) / n;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function pct(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}

/** The one row per dimension worth a sentence: the highest ratio among rows with enough deploys. */
function highlight(
  dimension: Highlight['dimension'],
  list: readonly RateRow[],
  total: { deploys: number; failed: number },
  label: (key: string) => string,
): Highlight | null {
  const candidates = list.filter(
    (row) => row.deploys >= 5 && row.failed > 0 && row.ratio !== null && row.ratio.value >= 1.5,
  );
  const best = [...candidates].sort(
    (a, b) => (b.ratio?.value ?? 0) - (a.ratio?.value ?? 0) || byText(a.key, b.key),
  )[0];
  if (best?.ratio == null) return null;
  const othersFailed = total.failed - best.failed;
  const others = total.deploys - best.deploys;
  if (othersFailed === 0) {
    // The ratio's point estimate then rests on the 0.5 correction; say what was seen instead.
    return {
      dimension,
      key: best.key,
      sentence: `${label(best.key)} fail more often: ${best.failed} of ${best.deploys}, and none of the other ${others} deploy(s) failed.`,
      significant: best.ratio.low > 1,
    };
  }
  return {
    dimension,
    key: best.key,
    sentence: `${label(best.key)} fail ${best.ratio.value.toFixed(1)}x as often: ${best.failed} of ${best.deploys} vs ${per100(othersFailed, others)} per 100 (95% interval ${best.ratio.low.toFixed(1)}–${best.ratio.high.toFixed(1)}x).`,
    significant: best.ratio.low > 1,
  };
}

/** Deploys per ISO week of the window, in the policy's timezone (weeks step by the calendar, across DST). */
function weekly(deploys: readonly PastDeploy[], since: number, until: number, timezone: string) {
  const weekOf = (ms: number) => DateTime.fromMillis(ms, { zone: timezone }).toFormat("kkkk-'W'WW");
  const out: Insights['weekly'] = [];
  const index = new Map<string, Insights['weekly'][number]>();
  const start = DateTime.fromMillis(since, { zone: timezone }).startOf('week');
  for (let week = start; week.toMillis() <= until; week = week.plus({ weeks: 1 })) {
    const entry = { week: week.toFormat("kkkk-'W'WW"), deploys: 0, failed: 0 };
    index.set(entry.week, entry);
    out.push(entry);
  }
  for (const d of deploys) {
    const entry = index.get(weekOf(Date.parse(d.deploy.at)));
    if (entry === undefined) continue;
    entry.deploys += 1;
    if (d.failed) entry.failed += 1;
  }
  return out;
}

/** The findings worth a sentence: the riskiest weekday, hour and zone, and AI-heavy deploys. */
function insightHighlights(
  failureRate: Insights['failureRate'],
  total: { deploys: number; failed: number },
  aiShareThreshold: number,
): Highlight[] {
  const highlights: Highlight[] = [];
  const push = (h: Highlight | null) => {
    if (h !== null) highlights.push(h);
  };
  push(
    highlight('weekday', failureRate.byWeekday, total, (key) => `${WEEKDAY_NAMES[key as Weekday]} deploys`),
  );
  push(
    highlight(
      'hour',
      failureRate.byHour,
      total,
      (key) => `Deploys at ${key.padStart(2, '0')}:00–${key.padStart(2, '0')}:59`,
    ),
  );
  push(highlight('zone', failureRate.byZone, total, (key) => `Deploys touching ${key}`));
  const [low, high] = failureRate.byAiShare;
  if (
    low !== undefined &&
    high !== undefined &&
    low.rate !== null &&
    high.rate !== null &&
    high.deploys >= 5
  ) {
    const interval =
      high.ratio === null
        ? ''
        : ` (ratio ${high.ratio.value.toFixed(1)}x, 95% interval ${high.ratio.low.toFixed(1)}–${high.ratio.high.toFixed(1)}x)`;
    highlights.push({
      dimension: 'aiShare',
      key: 'high',
      sentence: `AI-heavy deploys (≥${pct(aiShareThreshold)} of lines from AI-assisted commits): ${pct(high.rate)} fail vs ${pct(low.rate)}${interval}.`,
      significant: high.ratio !== null && (high.ratio.low > 1 || high.ratio.high < 1),
    });
  }
  return highlights;
}

/** History of deploys → the insights report. Pure: the window and `now` come in as values. */
export function assessInsights(input: InsightsInput): Insights {
  const deploys = input.history.deploys.filter((d) => {
    const at = Date.parse(d.deploy.at);
    return at >= input.since && at <= input.until;
  });
  const weeks = (input.until - input.since) / WEEK;
  // Before the env's first recorded deploy there is no record to count from: weeks without a ledger
  // are not weeks without deploys. At least a week, so a first deploy yesterday is not a daily rate.
  const first = input.history.deploys[0]?.deploy.at;
  const span: FrequencySpan =
    first !== undefined && Date.parse(first) > input.since && deploys.length > 0
      ? { weeks: Math.min(weeks, Math.max(1, (input.until - Date.parse(first)) / WEEK)), firstDeploy: first }
      : { weeks, firstDeploy: null };
  const failed = deploys.filter((d) => d.failed).length;
  const total = { deploys: deploys.length, failed };
  const aiKey = (d: PastDeploy) => [(d.row.aiShare ?? 0) >= input.aiShareThreshold ? 'high' : 'low'];
  const zoneNames = [...new Set(deploys.flatMap((d) => d.row.zones))].sort(byText);
  const failureRate = {
    byWeekday: rows(deploys, WEEKDAYS, (d) => [d.row.weekday]),
    byHour: rows(
      deploys,
      Array.from({ length: 24 }, (_, hour) => String(hour)),
      (d) => [String(d.row.hour)],
    ),
    byZone: rows(deploys, zoneNames, (d) => d.row.zones),
    byAiShare: rows(deploys, ['low', 'high'], aiKey),
  };
  const highlights = insightHighlights(failureRate, total, input.aiShareThreshold);
  return {
    schemaVersion: 'deployadvisor.insights/1',
    tool: { name: 'deployadvisor', version: input.toolVersion },
    env: input.env,
    window: {
      since: new Date(input.since).toISOString(),
      until: new Date(input.until).toISOString(),
      timezone: input.timezone,
      weeks: Math.round(weeks * 10) / 10,
    },
    deploys: deploys.length,
    failed,
    dora: dora(deploys, input.history, span),
    failureRate,
    aiShareThreshold: input.aiShareThreshold,
    highlights,
    mainBranch: input.mainBranch,
    weekly: weekly(deploys, input.since, input.until, input.timezone),
    deployList: deploys.map((d) => d.row),
    diagnostics: input.diagnostics,
  };
}
