import type { Context } from '../context.js';
import type { Factor, LineageSummary } from '../plan-types.js';
import { WEEKDAY_NAMES, type Weekday } from '../insights-types.js';
import { smoothedRate } from '../stats.js';
import { byText, percent } from '../text.js';

/**
 * How often past deploys (or, in backtest, past changes) failed, counted per cohort so that a plan or
 * a backtest step reads them in constant time. Counts are additive: backtest adds a change when it
 * lands and its failure when the revert lands, so a score never sees the future.
 */
export interface HistoryCounts {
  /** What a unit is called in sentences: "deploys" or "changes". */
  unit: string;
  all: Tally;
  cohorts: Map<string, Tally>;
}

export interface Tally {
  n: number;
  failed: number;
}

/** The traits of one deploy (or change) the cohorts are made of. */
export interface HistoryTraits {
  /** The riskiest zone touched, or null. */
  zone: string | null;
  weekday: Weekday;
  hour: number;
  /** Share of changed lines from AI-assisted commits (null: no code lines). */
  aiShare: number | null;
  /** Lines added + deleted outside low-risk paths. */
  lines: number;
}

/** Prior strength of the smoothing: a cohort needs about this many deploys to move far from the base rate. */
export const SMOOTHING = 10;
/** AI share at or above which a deploy is AI-heavy. */
export const AI_HEAVY = 0.5;
/** Smoothed failure rate that earns the factor's full points. */
export const FULL_RATE = 0.5;

function hourBand(hour: number): string {
  const start = Math.floor(hour / 6) * 6;
  return `${String(start).padStart(2, '0')}:00–${String(start + 6).padStart(2, '0')}:00`;
}

function sizeBand(lines: number): string {
  if (lines < 10) return 'under 10';
  if (lines < 100) return '10–99';
  if (lines < 1000) return '100–999';
  return '1,000+';
}

interface Cohort {
  key: string;
  /** "touching payments on a Friday", to follow "deploys". */
  label: string;
  /** Timing cohorts can be avoided by deploying at another time; the advice says so. */
  timing: boolean;
}

/** The cohorts a unit with these traits belongs to, most specific first. */
export function cohortsOf(traits: HistoryTraits): Cohort[] {
  const day = WEEKDAY_NAMES[traits.weekday];
  const band = hourBand(traits.hour);
  const ai = (traits.aiShare ?? 0) >= AI_HEAVY;
  const cohorts: Cohort[] = [];
  if (traits.zone !== null) {
    cohorts.push({
      key: `zone-day:${traits.zone}:${traits.weekday}`,
      label: `touching ${traits.zone} on a ${day}`,
      timing: true,
    });
    cohorts.push({ key: `zone:${traits.zone}`, label: `touching ${traits.zone}`, timing: false });
  }
  cohorts.push({ key: `day:${traits.weekday}`, label: `on a ${day}`, timing: true });
  cohorts.push({ key: `hour:${band}`, label: `between ${band}`, timing: true });
  cohorts.push({
    key: `ai:${ai ? 'high' : 'low'}`,
    label: ai
      ? `with ${percent(AI_HEAVY)}+ AI-assisted lines`
      : `with under ${percent(AI_HEAVY)} AI-assisted lines`,
    timing: false,
  });
  cohorts.push({
    key: `size:${sizeBand(traits.lines)}`,
    label: `of ${sizeBand(traits.lines)} changed lines`,
    timing: false,
  });
  return cohorts;
}

export function emptyCounts(unit: string): HistoryCounts {
  return { unit, all: { n: 0, failed: 0 }, cohorts: new Map() };
}

/** Adds `n` units and `failed` failures with these traits (either may be 0). */
export function addCounts(counts: HistoryCounts, traits: HistoryTraits, n: number, failed: number): void {
  counts.all.n += n;
  counts.all.failed += failed;
  for (const cohort of cohortsOf(traits)) {
    const tally = counts.cohorts.get(cohort.key) ?? { n: 0, failed: 0 };
    tally.n += n;
    tally.failed += failed;
    counts.cohorts.set(cohort.key, tally);
  }
}

export function historyCounts(
  unit: string,
  units: ReadonlyArray<{ traits: HistoryTraits; failed: boolean }>,
): HistoryCounts {
  const counts = emptyCounts(unit);
  for (const entry of units) addCounts(counts, entry.traits, 1, entry.failed ? 1 : 0);
  return counts;
}

export interface HistoryEstimate {
  base: number;
  /** The smoothed rate of the riskiest cohort (the base rate when no cohort has data). */
  rate: number;
  points: number;
  cohorts: Array<Cohort & Tally & { smoothed: number }>;
}

/** The numbers behind the factor, without the sentences (backtest uses only these). */
export function estimateHistory(
  counts: HistoryCounts,
  traits: HistoryTraits,
  max: number,
): HistoryEstimate | null {
  if (counts.all.n === 0) return null;
  const base = counts.all.failed / counts.all.n;
  const cohorts = cohortsOf(traits).map((cohort) => {
    const tally = counts.cohorts.get(cohort.key) ?? { n: 0, failed: 0 };
    return { ...cohort, ...tally, smoothed: smoothedRate(tally.failed, tally.n, base, SMOOTHING) };
  });
  const rate = Math.max(base, ...cohorts.filter((c) => c.n > 0).map((c) => c.smoothed));
  return { base, rate, points: Math.round(max * Math.min(1, rate / FULL_RATE)), cohorts };
}

/**
 * Past deploys like this one. In a backtest it is filled in later, in time order (applyHistory): a
 * change alone says nothing about it.
 */
export const HISTORY = {
  id: 'history',
  title: 'Deploy history',
  kind: 'policy',
  assess: (evidence: {
    ctx: Context;
    lineage: LineageSummary;
    history: HistoryCounts | null;
    slot: { weekday: Weekday; hour: number };
    env: string;
  }) => ({
    factor: historyFactor(
      evidence.history,
      {
        zone: evidence.ctx.zones[0]?.zone.name ?? null,
        ...evidence.slot,
        aiShare: evidence.lineage.aiShare,
        lines: evidence.lineage.lines,
      },
      evidence.ctx.weights.history,
      `to ${evidence.env}`,
    ),
  }),
  measure: () => 0,
} as const;

/**
 * The history factor: the failure rate of past deploys like this one (same riskiest zone, weekday,
 * hour band, AI share and size), each cohort smoothed toward the repo's base rate so that three deploys
 * do not make a rule; the riskiest cohort sets the points.
 */
export function historyFactor(
  counts: HistoryCounts | null,
  traits: HistoryTraits,
  max: number,
  scope: string,
): Factor {
  const base = { id: HISTORY.id, title: HISTORY.title, max };
  const estimate = counts === null ? null : estimateHistory(counts, traits, max);
  if (counts === null || estimate === null) {
    return {
      ...base,
      points: 0,
      summary: `No past deploys ${scope} to learn from yet.`,
      evidence: [],
      advice:
        'Record deploys and their outcomes (deployadvisor record succeeded / failed / rolled-back) so plans learn from them.',
      savings: 0,
    };
  }
  const unit = counts.unit;
  const ranked = estimate.cohorts
    .filter((cohort) => cohort.n > 0)
    .sort((a, b) => b.smoothed - a.smoothed || byText(a.key, b.key));
  const top = ranked[0];
  const all = counts.all;
  const evidence = [
    `base rate: ${all.failed} of ${all.n} ${unit} ${scope} failed, were rolled back or needed a fix (${percent(estimate.base)})`,
    ...ranked.map(
      (cohort) =>
        `${cohort.failed} of the last ${cohort.n} ${unit} ${cohort.label} failed, were rolled back or needed a fix (${percent(cohort.n === 0 ? 0 : cohort.failed / cohort.n)}; smoothed ${percent(cohort.smoothed)})`,
    ),
  ];
  const atBase = Math.round(max * Math.min(1, estimate.base / FULL_RATE));
  const timingTop = top !== undefined && top.timing && top.smoothed > estimate.base;
  return {
    ...base,
    points: estimate.points,
    summary:
      top === undefined || top.smoothed <= estimate.base
        ? `Past ${unit} like this one fail no more often than the base rate: ${all.failed} of ${all.n} (${percent(estimate.base)}).`
        : `Past ${unit} ${top.label} failed ${percent(top.failed / top.n)} of the time (${top.failed} of ${top.n}; ${percent(top.smoothed)} after smoothing), against ${percent(estimate.base)} for all ${all.n} ${unit}.`,
    evidence,
    advice:
      timingTop && estimate.points > atBase
        ? `Deploy at another time: ${unit} ${top.label} fail more often here; at the base rate this factor would be ${atBase}.`
        : null,
    savings: timingTop ? Math.max(0, estimate.points - atBase) : 0,
  };
}
