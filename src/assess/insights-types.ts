import { DAY_NAMES, type DayName } from '../config/defaults.js';

/** What `deployadvisor insights` reports (JSON `deployadvisor.insights/1`); docs/insights.md describes it. */

export const DORA_BANDS = ['elite', 'high', 'medium', 'low'] as const;
/** The DORA performance band of one key; null when there is no data to place it. */
export type DoraBand = (typeof DORA_BANDS)[number];

export interface DoraKey {
  /** The figure in the key's unit (per week, hours, ratio); null when there is nothing to measure. */
  value: number | null;
  band: DoraBand | null;
  /** How many deploys (or failures, or commits) the figure rests on. */
  sample: number;
  /** One plain sentence: what was measured and how. */
  summary: string;
}

export interface Dora {
  /** Deploys per week, from the first recorded deploy when the window starts before it (at least a week). */
  deploymentFrequencyPerWeek: DoraKey;
  /** Median hours from a commit to the first successful deploy that carried it. */
  leadTimeHours: DoraKey;
  /** Failed deploys / deploys (each failed deploy counted once), 0..1. */
  changeFailureRate: DoraKey;
  /** Median hours from a failed deploy to the next good state (rollback or successful deploy). */
  timeToRestoreHours: DoraKey;
}

/**
 * One row of a failure-rate breakdown. `key` is `mon`..`sun`, `0`..`23`, a zone name, or `low`/`high`
 * AI share; `low`/`high` is the 95% Wilson interval of `rate`.
 */
export interface RateRow {
  key: string;
  deploys: number;
  failed: number;
  /** failed / deploys; null when there are no deploys. */
  rate: number | null;
  low: number | null;
  high: number | null;
  /** This row's rate against the rate of all other deploys, with a 95% interval (null when undefined). */
  ratio: { value: number; low: number; high: number } | null;
}

/** The policy's day names (`windows` use them too), Monday first. */
export const WEEKDAYS = DAY_NAMES;
export type Weekday = DayName;

/** Full names, for sentences ("Friday deploys fail ..."). */
export const WEEKDAY_NAMES: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

export interface FailureRates {
  byWeekday: RateRow[];
  byHour: RateRow[];
  byZone: RateRow[];
  byAiShare: RateRow[];
}

/** A finding worth a sentence: "Friday deploys fail 2.1x as often: 9 of 31 vs 4.3 per 100". */
export interface Highlight {
  dimension: 'weekday' | 'hour' | 'zone' | 'aiShare';
  key: string;
  sentence: string;
  /** True when the 95% interval of the ratio excludes 1 (the difference is unlikely to be chance). */
  significant: boolean;
}

export interface MainBranchHealth {
  /** Where the figure came from: the CI source's runs, or reverts on the main branch (offline proxy). */
  source: 'ci' | 'reverts' | 'none';
  branch: string | null;
  /** Successful runs (or commits not reverted) / all, 0..1; null without data. */
  successRate: number | null;
  total: number;
  failed: number;
  summary: string;
}

/** One deploy as insights counted it (the JSON lists them so every figure can be recomputed). */
export interface DeployRow {
  env: string;
  sha: string;
  /** When the deploy went out (ISO-8601 UTC). */
  at: string;
  outcome: 'succeeded' | 'failed' | 'rolled-back';
  /**
   * How the outcome was known: a ledger record, a later revert in git, or a later fix commit that
   * changed lines this deploy shipped within the hotfix window (SZZ).
   */
  failedBy: 'ledger' | 'revert' | 'hotfix' | null;
  commits: number;
  linesChanged: number;
  aiShare: number | null;
  zones: string[];
  /** Weekday and hour in the policy's timezone. */
  weekday: Weekday;
  hour: number;
  restoredHours: number | null;
}

export interface Insights {
  schemaVersion: 'deployadvisor.insights/1';
  tool: { name: 'deployadvisor'; version: string };
  env: string;
  /** The window: since (ISO), until (ISO = now), and the policy timezone used for weekdays and hours. */
  window: { since: string; until: string; timezone: string; weeks: number };
  deploys: number;
  failed: number;
  dora: Dora;
  failureRate: FailureRates;
  /** AI share at or above this counts as `high` in byAiShare. */
  aiShareThreshold: number;
  highlights: Highlight[];
  mainBranch: MainBranchHealth;
  /** Deploys per ISO week in the policy's timezone, oldest first (for the sparkline / chart). */
  weekly: Array<{ week: string; deploys: number; failed: number }>;
  deployList: DeployRow[];
  diagnostics: Array<{ id: string; level: 'info' | 'warning' | 'error'; message: string; remedy?: string }>;
}
