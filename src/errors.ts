/** Exit codes, as documented in SPEC 3, `--help` and the README. */
export const EXIT = {
  go: 0,
  bug: 1,
  usage: 2,
  wait: 3,
  block: 4,
  inconclusive: 5,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * A failure the user can act on: it carries its exit code and a one-paragraph message that names the
 * file, line, key or ref and says what was expected. Only `cli.ts` turns it into an exit code.
 */
export class UserError extends Error {
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  constructor(message: string, options: { exitCode?: ExitCode; hint?: string } = {}) {
    super(message);
    this.name = 'UserError';
    this.exitCode = options.exitCode ?? EXIT.usage;
    this.hint = options.hint;
  }
}

/** One problem in a policy file, where it is (for annotations: a GitHub job shows it on the line). */
export interface PolicyIssue {
  /** The policy file as shown to the user (repo-relative where possible). */
  file: string;
  line?: number;
  col?: number;
  /** What is wrong, without the location. */
  message: string;
  /** Absent: an error. A warning does not fail the command, but is annotated like an error. */
  level?: 'error' | 'warning';
  hint?: string;
}

/** A configuration problem: always exit 2, always names the file (and line and key where known). */
export class ConfigError extends UserError {
  /** The problems one by one, in line order, when they are known to be in a policy file. */
  readonly issues: readonly PolicyIssue[];
  constructor(message: string, hint?: string, issues: readonly PolicyIssue[] = []) {
    super(message, { exitCode: EXIT.usage, ...(hint === undefined ? {} : { hint }) });
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** git refused or failed in a way the user can fix (missing ref, not a repository, dubious ownership). */
export class GitError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: EXIT.usage, ...(hint === undefined ? {} : { hint }) });
    this.name = 'GitError';
  }
}
