/** The facts collectors hand to the assessor. Plain data only: no functions, no clocks. */

export interface Person {
  name: string;
  email: string;
  /** ISO-8601 as git printed it (with the original offset). */
  date: string;
}

export interface Trailer {
  key: string;
  value: string;
}

/** One file a commit or a range changed. `added`/`deleted` are null for binary files. */
export interface FileChange {
  path: string;
  /** Set when git detected a rename or copy. */
  oldPath?: string;
  added: number | null;
  deleted: number | null;
}

export interface CommitFacts {
  sha: string;
  parents: string[];
  author: Person;
  committer: Person;
  subject: string;
  body: string;
  /** Every `Key: value` line in the message after the subject (trailer block or not). */
  trailers: Trailer[];
  files: FileChange[];
}

/** A file in the range diff, with the line numbers (in the target version) that were added or changed. */
export interface DiffFile extends FileChange {
  /** `renamed` and `copied` carry `oldPath` (the source, which counts for zones and migrations too). */
  status: 'added' | 'modified' | 'deleted' | 'renamed' | 'copied';
  /** Inclusive [start, end] ranges of new-side line numbers. */
  addedRanges: Array<[number, number]>;
}

export const BASE_SOURCES = ['from', 'ledger', 'deployedRef', 'merge-base', 'root'] as const;
export type BaseSource = (typeof BASE_SOURCES)[number];

export interface RangeBase {
  /** null when the range starts at the root (everything reachable from the target). */
  sha: string | null;
  source: BaseSource;
  /** The ref or glob the base came from, as the user wrote it. */
  ref: string | null;
  note: string;
}

export const DIAGNOSTIC_LEVELS = ['info', 'warning', 'error'] as const;
export type DiagnosticLevel = (typeof DIAGNOSTIC_LEVELS)[number];

/** The diagnostic id for a ledger deploy whose commit the clone lacks; the plan makes it a gate. */
export const DEPLOYED_COMMIT_MISSING = 'deployed-commit-missing';

export interface Diagnostic {
  id: string;
  level: DiagnosticLevel;
  message: string;
  remedy?: string;
}

/** A migration file added or changed in the range, with what the collector could read of it. */
export interface MigrationFile {
  path: string;
  /** The path it was renamed or copied from, when git saw one. */
  oldPath?: string;
  status: DiffFile['status'];
  /** Content at the target, or null if it could not be read (binary, too large, deleted). */
  content: string | null;
  /** A paired down/undo file found beside it in the target tree, with its content. */
  downFile: { path: string; content: string | null } | null;
  /** True when the same path already exists in the tree that is deployed now. */
  presentInDeployedTree: boolean;
}

/**
 * Commits that run in the env now (the ledger's or deployedRef's commit) but that the target lacks:
 * deploying it takes them out. `downgrade`: the target is an ancestor of what runs (a rollback in
 * disguise); `diverged`: it has commits of its own but lacks these (a hotfix deployed from a branch).
 */
export interface DroppedCommits {
  kind: 'downgrade' | 'diverged';
  /** How many commits are dropped; `commits` lists the newest few. */
  total: number;
  commits: Array<{ sha: string; subject: string }>;
}

export interface GitFacts {
  repoRoot: string;
  target: { ref: string; sha: string };
  base: RangeBase;
  /** The tree that is in the environment now (the deployedRef or base), for "already applied". */
  deployedSha: string | null;
  head: { detached: boolean; branch: string | null };
  shallow: { isShallow: boolean; rangeTruncated: boolean };
  commits: CommitFacts[];
  diff: DiffFile[];
  migrations: MigrationFile[];
  diagnostics: Diagnostic[];
  /** Set when the target lacks commits that run now (absent: none, or what runs is not known). */
  dropped?: DroppedCommits;
  /** Set for `--service`: the service, its paths, and how many commits of the range touch none of them. */
  scope?: { service: string; paths: string[]; outside: number };
}

export const COVERAGE_FORMATS = [
  'lcov',
  'cobertura',
  'jacoco',
  'clover',
  'istanbul',
  'go',
  'simplecov',
] as const;
export type CoverageFormat = (typeof COVERAGE_FORMATS)[number];

/** What became of one coverage report. */
export interface CoverageReport {
  /** Path as given or found, relative to the repository where possible. */
  path: string;
  format: CoverageFormat | null;
  /** `stale`: made for another commit (lines past a file's end, or older than the target); not counted. */
  status: 'ok' | 'unreadable' | 'unmatched' | 'stale';
  message: string | null;
  /** Source files the report names, and how many of them are tracked files of the target. */
  files: number;
  matched: number;
}

/** Coverage as collected: per report status, and merged line hits for the changed files. */
export interface CoverageFacts {
  /** How reports were found: --coverage, coverage.reports, well-known paths, or none at all. */
  source: 'option' | 'policy' | 'default' | 'none';
  reports: CoverageReport[];
  lines: Map<string, Map<number, number>>;
  diagnostics: Diagnostic[];
}
