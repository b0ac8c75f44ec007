import type { BaseSource, Diagnostic } from './facts.js';

export const LINEAGE_SCHEMA_VERSION = 'deployadvisor.lineage/1';

/** Lines of the target's version of a file that one commit wrote (a run of `git blame --incremental`). */
export interface BlameRun {
  sha: string;
  /** The file's path in that commit (it may have been renamed since). */
  origPath: string;
  /** First line of the run in that commit's version of the file (1-based). */
  origStart: number;
  /** First line of the run in the target's version (1-based). */
  finalStart: number;
  count: number;
}

/** What blaming one file at the target gave. */
export type BlameOutcome =
  { status: 'ok'; path: string; runs: BlameRun[] } | { status: 'failed'; path: string; reason: string };

/**
 * How a commit's AI lines were counted: `line` from a git-ai note (per line), `commit` from a
 * commit-level marker (every line it wrote), `none` when neither says AI.
 */
export const ATTRIBUTIONS = ['line', 'commit', 'none'] as const;
export type Attribution = (typeof ATTRIBUTIONS)[number];

/** Lines the coverage reports measure, and how many of those ran. */
export interface LineCoverage {
  measured: number;
  covered: number;
}

export interface ToolLines {
  tool: string;
  lines: number;
}

export interface LineageCommit {
  sha: string;
  subject: string;
  author: string;
  date: string;
  attribution: Attribution;
  ai: {
    /** The tool credited with most of its lines (null: no AI). */
    tool: string | null;
    /** What said so: the git-ai note, or the commit-level marker verbatim. */
    marker: string | null;
    /** Its lines in the target that are AI-written. */
    lines: number;
    /** Every tool the note or the markers name, with the lines credited to each. */
    tools: ToolLines[];
  };
  /** Every commit-level marker, also when a note decides the lines. */
  markers: Array<{ tool: string; marker: string }>;
  reviewed: boolean;
  /** The review trailers, `Key: value`. */
  reviewEvidence: string[];
  /** Its lines that are still in the target (from blame). */
  lines: number;
  /** Of those lines; null when no coverage report was read. */
  coverage: LineCoverage | null;
}

export interface LineageFile {
  path: string;
  /** Lines of the file in the target. */
  lines: number;
  /** Of those, lines written by commits of the range. */
  rangeLines: number;
  aiLines: number;
  /** aiLines / lines, 4 decimals; null for an empty file. */
  aiShare: number | null;
  /** How its AI lines were counted; `mixed` when both ways. */
  attribution: Attribution | 'mixed';
  tools: ToolLines[];
  /** Matches lowRiskPaths (docs, lock files). */
  lowRisk: boolean;
  /** Of its range lines. */
  coverage: LineCoverage | null;
}

export interface LineageReport {
  schemaVersion: typeof LINEAGE_SCHEMA_VERSION;
  tool: { name: 'deployadvisor'; version: string };
  range: {
    base: { sha: string | null; source: BaseSource; ref: string | null; note: string };
    target: { ref: string; sha: string };
  };
  notes: {
    ref: string;
    /** The ref holds at least one note. */
    present: boolean;
    /** Commits of the range with a readable note, and with a malformed one. */
    commits: number;
    malformed: number;
  };
  totals: {
    commits: number;
    aiCommits: number;
    lineAttributed: number;
    commitAttributed: number;
    files: number;
    lines: number;
    rangeLines: number;
    aiLines: number;
    /** aiLines / rangeLines, 4 decimals; null when the range left no lines. */
    aiShare: number | null;
    coverage: LineCoverage | null;
  };
  commits: LineageCommit[];
  files: LineageFile[];
  tools: Array<{ tool: string; commits: number; lines: number }>;
  diagnostics: Diagnostic[];
}
