import type { CoverageFacts, CoverageReport, Diagnostic } from './facts.js';
import type { FileCoverage, Ratio, ZoneCoverage } from './coverage.js';

export const VERDICTS = ['GO', 'WAIT', 'BLOCK', 'INCONCLUSIVE'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const FAIL_ON = ['wait', 'block', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export const WINDOW_KINDS = ['freeze', 'avoid', 'peak', 'staffed', 'preferred', 'overrun'] as const;
export type WindowKind = (typeof WINDOW_KINDS)[number];

/** One factor of the risk score: points with the evidence behind them and what would lower them. */
export interface Factor {
  id: string;
  title: string;
  points: number;
  max: number;
  /** One plain sentence. */
  summary: string;
  evidence: string[];
  /** What would lower the points, and by how much; null when there is nothing to do. */
  advice: string | null;
  /** Points the advice would save if followed. */
  savings: number;
}

export const SOURCE_STATUSES = ['ok', 'degraded', 'unavailable', 'skipped'] as const;
export type SourceStatus = (typeof SOURCE_STATUSES)[number];

export const SOURCE_KINDS = ['ci', 'metric', 'alerts'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** How one live source went, as the plan shows it (SPEC 4.5). */
export interface SourceResult {
  name: string;
  kind: SourceKind;
  /** ok: answered with data; degraded: answered without (all of) the data; unavailable: could not be read; skipped: not asked. */
  status: SourceStatus;
  /** Wall time the source took, in ms; null when it was not asked. */
  latencyMs: number | null;
  /** What was asked: the query, the matchers, the branch and runs. */
  query: string | null;
  /** What came back, in plain words ("0.031", "2 firing: HighErrorRate, DiskFull"). */
  value: string | null;
  reason: string;
  /** GitHub CI source only: the review evidence of the pull request that carried the target commit. */
  review?: ReviewEvidence;
}

/**
 * Review evidence of a pull request, as the CI provider reports it. It feeds the review factor: an
 * approval by someone other than the author counts as review of the range (half when rubber-stamped).
 */
export interface ReviewEvidence {
  /** Pull request number. */
  pr: number;
  /** Distinct approvers other than the PR author. */
  approvals: number;
  /** Their logins, sorted (absent in plans from providers that do not name them). */
  approvers?: string[];
  reviewComments: number;
  /** additions + deletions. */
  changedLines: number;
  /** Approved within 5 minutes of opening a change of 300+ changed lines. */
  rubberStamp: boolean;
}

/** Where the factor weights came from when `calibrate --write` fitted them. */
export interface PlanModel {
  fittedAt: string;
  range: string;
  changes: number;
  heldOutAuc: number | null;
  baselineAuc: number | null;
}

/** A condition that decides the verdict on its own, whatever the score. */
export interface Gate {
  id: string;
  kind: 'timing' | 'policy' | 'evidence' | 'source';
  level: 'wait' | 'block' | 'inconclusive';
  title: string;
  reason: string;
  /** When the condition ends, if it ends by itself. */
  until: string | null;
}

export interface Timing {
  now: string;
  nowLocal: string;
  timezone: string;
  deployMinutes: number;
  risky: boolean;
  active: Array<{ kind: WindowKind; label: string; until: string; untilLocal: string }>;
  nextWindow: {
    start: string;
    end: string | null;
    startLocal: string;
    endLocal: string | null;
    startsInMinutes: number;
    latestStart: string | null;
    open: boolean;
  } | null;
  /** Why no window opens within horizonDays (the windows and freezes that block it); null when one does. */
  noWindow: string | null;
  horizonDays: number;
}

export interface RollbackMigration {
  path: string;
  reversible: boolean;
  down: string | null;
  reason: string;
  /** Line of the statement that makes it irreversible, when one is known (for annotations). */
  line?: number;
}

export interface Rollback {
  targetSha: string | null;
  command: string | null;
  steps: string[];
  migrations: RollbackMigration[];
  watch: string[];
}

export interface LineageSummary {
  commits: number;
  aiCommits: number;
  /** Changed lines (added + deleted) in non-low-risk files, over all commits. */
  lines: number;
  aiLines: number;
  /** aiLines / lines, or null when no lines changed. */
  aiShare: number | null;
  tools: Array<{ tool: string; commits: number; lines: number }>;
  aiCommitList: Array<{
    sha: string;
    subject: string;
    tool: string;
    marker: string;
    lines: number;
    reviewed: boolean;
  }>;
}

/** Coverage in the plan: which reports were read, and patch coverage per file, zone and overall. */
export interface PlanCoverage {
  /** ok: patch coverage computed; none: no report found; unusable: reports found, none usable; n/a: nothing measurable. */
  status: 'ok' | 'none' | 'unusable' | 'n/a';
  source: CoverageFacts['source'];
  reports: CoverageReport[];
  patch: Ratio | null;
  files: FileCoverage[];
  zones: ZoneCoverage[];
}

export interface PlanRange {
  from: string | null;
  fromSource: string;
  fromRef: string | null;
  to: string;
  toRef: string;
  commits: number;
  files: number;
  note: string;
  /** With `--service`: the service, its paths, and the commits of the range outside them (not counted). */
  service?: { name: string; paths: string[]; outside: number };
}

export interface Plan {
  schemaVersion: 'deployadvisor.plan/1';
  tool: { name: 'deployadvisor'; version: string };
  env: string;
  verdict: Verdict;
  /** The verdict before an override, when one was applied. */
  overridden: { from: Verdict; reason: string } | null;
  exitCode: number;
  failOn: FailOn;
  score: number;
  summary: string;
  thresholds: { waitAt: number; blockAt: number; riskyAt: number };
  factors: Factor[];
  gates: Gate[];
  timing: Timing;
  rollback: Rollback;
  lineage: LineageSummary;
  coverage: PlanCoverage;
  sources: SourceResult[];
  range: PlanRange;
  zones: Array<{ name: string; risk: number; files: string[]; owners: string[] }>;
  policy: { source: string; path: string | null; ref: string | null; blobSha: string | null };
  diagnostics: Diagnostic[];
  inputsDigest: string;
  /** The calibrated weights in force (policy `model:`), or null when the defaults and `weights:` apply. */
  model: PlanModel | null;
  /** The risk model's estimate behind the score (score = round(100 × probability)). */
  estimate: PlanEstimate;
}

export interface PlanEstimate {
  /** Estimated chance the deploy needs a rollback or a hotfix within `hotfixDays`. */
  probability: number;
  /** The same for one ordinary change here (the repository's median change, no findings). */
  usual: number;
  hotfixDays: number;
  /** The shipped prior (fitted on public histories) or this repository's calibrated model. */
  model: 'prior' | 'calibrated';
  /** What the deploy-level figure was calibrated on: "days" (a day's changes in the corpus). */
  units: string;
  /** Earlier changes the percentiles were measured against. */
  comparedWith: number;
  /** The deploy's commits with the highest estimates of their own, riskiest first (at most 3). */
  riskiest: Array<{ sha: string; probability: number }>;
  /** The estimate in one sentence. */
  sentence: string;
}
