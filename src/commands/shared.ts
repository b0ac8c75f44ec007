import { stat, writeFile } from 'node:fs/promises';
import { DateTime } from 'luxon';
import { dirname, resolve } from 'node:path';
import { notARegularFile } from '../collect/file-kind.js';
import { createGitRunner, type GitRunner } from '../collect/git-runner.js';
import { readRepoLayout, type RepoLayout } from '../collect/repo-layout.js';
import { resolveCommit, type LedgerBase } from '../collect/git-facts.js';
import { lastSucceeded, MAX_SINCE, sinceInstant } from '../ledger/queries.js';
import type { LedgerRecord } from '../ledger/record.js';
import type { Diagnostic } from '../assess/facts.js';
import { loadPolicy, workingTreePolicyBlob, type LoadedPolicy } from '../config/load.js';
import { suggestKey } from '../config/suggest.js';
import { GitError, UserError } from '../errors.js';
import type { Io } from '../io.js';
import type { GlobalOptions } from '../main.js';
import { guardOutput } from '../render/safe-text.js';
import { PLAIN, type Style } from '../render/style.js';

export interface Workspace {
  git: GitRunner;
  repoRoot: string;
  /** Root and shallowness, read once here and handed to the collectors. */
  layout: RepoLayout;
  loaded: LoadedPolicy;
  /** What loading the policy noticed (a pull-request job's working-tree policy not applied). */
  diagnostics: Diagnostic[];
}

/**
 * The base branch of a pull-request (merge-request) job, from the CI environment: GitHub Actions'
 * GITHUB_BASE_REF or GitLab's CI_MERGE_REQUEST_TARGET_BRANCH_NAME; null outside one.
 */
export function pullRequestBase(env: Io['env']): { branch: string; variable: string } | null {
  for (const variable of ['GITHUB_BASE_REF', 'CI_MERGE_REQUEST_TARGET_BRANCH_NAME']) {
    const branch = env[variable]?.trim();
    if (branch !== undefined && branch !== '') return { branch, variable };
  }
  return null;
}

/**
 * In a pull-request job without --policy-ref, the policy comes from the base branch (SPEC 4.4), so a
 * pull request cannot loosen its own gate: `origin/<base>`, else `<base>`. A base that is not in the
 * clone is an error (fail closed), never a silent fallback to the working tree.
 */
async function pullRequestPolicy(
  git: GitRunner,
  base: { branch: string; variable: string },
  load: { repoRoot: string; configPath: string | undefined; cwd: string },
): Promise<{ loaded: LoadedPolicy; diagnostics: Diagnostic[] }> {
  let ref: string | null = null;
  for (const candidate of [`origin/${base.branch}`, base.branch]) {
    const probe = await git.run(
      ['rev-parse', '--verify', '--quiet', '--end-of-options', `${candidate}^{commit}`],
      { okExitCodes: [0, 1, 128] },
    );
    if (probe.exitCode === 0) {
      ref = candidate;
      break;
    }
  }
  if (ref === null) {
    throw new UserError(
      `${base.variable}=${base.branch}: in a pull-request job the policy is read from the base branch, but neither origin/${base.branch} nor ${base.branch} is in this clone.`,
      {
        hint: `Fetch the base branch (actions/checkout with fetch-depth: 0, or git fetch origin ${base.branch}), or pass --policy-ref <ref>.`,
      },
    );
  }
  const loaded = await loadPolicy({ ...load, policyRef: ref, defaultsWhenAbsentAtRef: true, git });
  const working = await workingTreePolicyBlob({ ...load, git });
  const diagnostics: Diagnostic[] = [];
  if ((working?.blobSha ?? null) !== loaded.source.blobSha) {
    diagnostics.push({
      id: 'policy-not-applied',
      level: 'warning',
      message: `The working-tree policy${working === null ? ' (none)' : ` (${working.path})`} differs from ${base.branch}'s and is not applied in a pull-request job; the plan uses the policy at ${ref}.`,
      remedy: `The change takes effect once merged into ${base.branch}; to try it now, run without ${base.variable} or pass --policy-ref HEAD.`,
    });
  }
  return { loaded, diagnostics };
}

/** The layout, from one git call; when that fails, the error of the plain `rev-parse --show-toplevel`. */
async function probeLayout(probe: GitRunner): Promise<RepoLayout> {
  try {
    return await readRepoLayout(probe);
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    // Failures (a bare repository, a --repo inside .git) keep the message that names the command
    // they always named. This costs a second git call only on the way out.
    await probe.run(['rev-parse', '--show-toplevel']);
    throw error;
  }
}

/** Opens the repository (one git call to find its root and shallowness) and loads the policy. */
/** The directory to work in; a missing one is named (git would only say it cannot start). */
export async function repoDirectory(io: Io, options: GlobalOptions): Promise<string> {
  const dir = resolve(io.cwd, options.repo ?? '.');
  const info = await stat(dir).catch(() => null);
  if (info === null) throw new UserError(`--repo ${options.repo ?? dir}: no such directory (${dir}).`);
  if (!info.isDirectory()) {
    throw new UserError(
      `--repo ${options.repo ?? dir}: expected a directory, found ${notARegularFile(info) ?? 'a file'} (${dir}).`,
    );
  }
  return dir;
}

export async function openWorkspace(
  io: Io,
  options: GlobalOptions,
  use: { pullRequestPolicy?: boolean } = {},
): Promise<Workspace> {
  const dir = await repoDirectory(io, options);
  const log =
    options.verbose === true
      ? (line: string) => {
          io.stderr(`deployadvisor: ${line}\n`);
        }
      : undefined;
  const probe = createGitRunner(dir, log);
  let layout: RepoLayout;
  try {
    layout = await probeLayout(probe);
  } catch (error) {
    if (error instanceof UserError && /ENOENT|no such file/i.test(error.message)) {
      throw new UserError(`--repo ${dir}: no such directory.`);
    }
    throw error;
  }
  const repoRoot = layout.root;
  const git = createGitRunner(repoRoot, log);
  const base =
    use.pullRequestPolicy === true && options.policyRef === undefined ? pullRequestBase(io.env) : null;
  if (base !== null) {
    const { loaded, diagnostics } = await pullRequestPolicy(git, base, {
      repoRoot,
      configPath: options.config,
      cwd: io.cwd,
    });
    return { git, repoRoot, layout, loaded, diagnostics };
  }
  const loaded = await loadPolicy({
    repoRoot,
    configPath: options.config,
    policyRef: options.policyRef,
    git,
    cwd: io.cwd,
  });
  return { git, repoRoot, layout, loaded, diagnostics: [] };
}

/** The environment named by --env (default: the policy's defaultEnvironment); an unknown one is named. */
export function environmentOf(workspace: Workspace, env: string | undefined): string {
  const { policy, source } = workspace.loaded;
  const name = env ?? policy.defaultEnvironment;
  // Own keys only: `--env toString` or `--env __proto__` must not find Object.prototype's members.
  if (!Object.hasOwn(policy.environments, name)) {
    const known = Object.keys(policy.environments);
    const suggestion = suggestKey(name, known);
    throw new UserError(
      `--env ${name}: no such environment in ${source.path ?? 'the policy (defaults)'}; known: ${known.join(', ')}.`,
      suggestion === null ? {} : { hint: `Did you mean --env ${suggestion}?` },
    );
  }
  return name;
}

/** No time zone is further from UTC than −12:00 or +14:00; an offset beyond ±14:00 is a typo. */
const MAX_OFFSET_MINUTES = 14 * 60;

/**
 * An instant given on the command line (`--now`, `--at`): ISO-8601, read as wall-clock time in `zone`
 * (the policy's) when it has no offset. Exit 2, naming the flag, when it is not one or its offset is
 * beyond ±14:00.
 */
export function instantOption(flag: string, text: string, zone: string, example: string): DateTime {
  const parsed = DateTime.fromISO(text, { zone, setZone: true });
  if (!parsed.isValid)
    throw new UserError(`${flag} "${text}": expected an ISO-8601 date-time such as ${example}.`);
  if (Math.abs(parsed.offset) > MAX_OFFSET_MINUTES)
    throw new UserError(
      `${flag} "${text}": the UTC offset ${parsed.toFormat('ZZ')} is beyond ±14:00, which no time zone uses; expected an offset between -12:00 and +14:00 (such as -08:00 or +01:00), or Z.`,
    );
  return parsed;
}

/** `--since` as an ISO instant (see sinceInstant); what it cannot read is a usage error naming it. */
export function sinceOption(text: string, now: number, zone: string): string {
  const since = sinceInstant(text, now, zone);
  if (since.status === 'ok') return since.iso;
  if (since.status === 'too-long') {
    throw new UserError(
      `--since "${text}": too long a duration; at most ${MAX_SINCE.d}d, ${MAX_SINCE.w}w or ${MAX_SINCE.h}h (about a hundred years).`,
    );
  }
  if (since.status === 'out-of-range') {
    throw new UserError(
      `--since "${text}": the window would start outside the dates this tool can represent.`,
    );
  }
  throw new UserError(
    `--since "${text}": expected a duration such as 90d, 12w or 48h, or an ISO-8601 date such as 2026-01-01 (read in ${zone} without an offset).`,
  );
}

/** The env's last successful deploy in the ledger, as the base of a range (SPEC 3, rule 1). */
export async function ledgerBaseOf(
  git: GitRunner,
  records: readonly LedgerRecord[],
  env: string,
): Promise<LedgerBase | undefined> {
  const deployed = lastSucceeded(records, env);
  if (deployed === null) return undefined;
  return {
    sha: deployed.sha,
    note: `since the last successful ${env} deploy in the ledger (#${deployed.seq}, ${deployed.at})`,
    record: { seq: deployed.seq, id: deployed.id },
    present: (await resolveCommit(git, deployed.sha)) !== null,
  };
}

/** `A..B`, `A...B` (from their merge-base), `A..` (to HEAD), `..B` (from HEAD) or one ref (the target). */
export function parseRange(range: string | undefined): {
  from: string | undefined;
  target: string;
  symmetric: boolean;
} {
  if (range === undefined || range === '') return { from: undefined, target: 'HEAD', symmetric: false };
  // Git forbids `..` inside ref names, so the first `..` (or `...`) is the separator.
  const at = range.indexOf('..');
  if (at === -1) return { from: undefined, target: range, symmetric: false };
  const symmetric = range.startsWith('...', at);
  const left = range.slice(0, at);
  const right = range.slice(at + (symmetric ? 3 : 2));
  return { from: left === '' ? 'HEAD' : left, target: right === '' ? 'HEAD' : right, symmetric };
}

/** The commit `ref` names, or an error naming the command, the range and the ref. */
export async function mustResolve(
  git: GitRunner,
  command: string,
  range: string,
  ref: string,
): Promise<string> {
  const sha = await resolveCommit(git, ref);
  if (sha === null) {
    throw new UserError(`${command} ${range}: "${ref}" is not a commit in this repository.`, {
      hint: 'Pass a branch, tag or sha that exists here (see `git log --oneline`); in CI, fetch it first.',
    });
  }
  return sha;
}

/** The environment's branch as this clone has it: origin/<branch>, else <branch>, else HEAD. */
export async function envBranch(git: GitRunner, branch: string): Promise<{ ref: string; sha: string }> {
  for (const ref of [`origin/${branch}`, branch, 'HEAD']) {
    const sha = await resolveCommit(git, ref);
    if (sha !== null) return { ref, sha };
  }
  throw new UserError('the repository has no commits yet.');
}

/** Colour only on a TTY, and never with --no-color or NO_COLOR. */
export async function styleFor(io: Io, options: GlobalOptions): Promise<Style> {
  const noColor =
    !options.color ||
    (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') ||
    options.output !== undefined;
  if (noColor || !io.isTTY.stdout) return PLAIN;
  const { Chalk } = await import('chalk');
  const chalk = new Chalk({ level: 1 });
  return {
    bold: chalk.bold,
    dim: chalk.dim,
    red: chalk.red,
    yellow: chalk.yellow,
    green: chalk.green,
    cyan: chalk.cyan,
  };
}

/** Why writing `path` failed, in words for the failures people meet (a missing folder, a folder). */
function whyNotWritten(path: string, error: unknown): string {
  switch ((error as NodeJS.ErrnoException | null)?.code) {
    case 'ENOENT':
      return `the directory ${dirname(path)} does not exist`;
    case 'ENOTDIR':
      return `a parent of ${path} is not a directory`;
    case 'EISDIR':
      return `${path} is a directory, not a file`;
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EEXIST':
      return `${path} already exists`;
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Writes (or with `flag: 'a'` appends) a file the user named; a failure is a usage error (exit 2)
 * that names where the path came from (`label`: `--output x`, `GITHUB_STEP_SUMMARY`) and the path.
 */
export async function writeUserFile(
  label: string,
  path: string,
  text: string,
  flag: 'w' | 'a' | 'wx' = 'w',
): Promise<void> {
  try {
    await writeFile(path, text, { flag });
  } catch (error) {
    throw new UserError(`${label}: cannot write ${path}: ${whyNotWritten(path, error)}.`, {
      hint: 'Point it at a file in a directory that exists and is writable.',
    });
  }
}

/**
 * `--output` checked before any work: its directory exists and it is not itself a directory, so a
 * typo fails at once instead of after the whole assessment.
 */
export async function checkOutputPath(io: Io, output: string): Promise<void> {
  const path = resolve(io.cwd, output);
  const [self, parent] = await Promise.all([
    stat(path).catch(() => null),
    stat(dirname(path)).catch(() => null),
  ]);
  const why =
    self?.isDirectory() === true
      ? `${path} is a directory, not a file`
      : parent === null
        ? `the directory ${dirname(path)} does not exist`
        : !parent.isDirectory()
          ? `${dirname(path)} is not a directory`
          : null;
  if (why !== null) {
    throw new UserError(`--output ${output}: cannot write ${path}: ${why}.`, {
      hint: 'Point it at a file in a directory that exists and is writable.',
    });
  }
}

/**
 * Writes command output to --output or stdout (where main's guard escapes what a terminal would act
 * on); a file gets the same guard. `workflowCommands` marks our own GitHub annotations.
 */
export async function emit(
  io: Io,
  options: GlobalOptions,
  text: string,
  kind: { workflowCommands?: boolean } = {},
): Promise<void> {
  if (options.output === undefined) {
    io.stdout(text, kind);
    return;
  }
  await writeUserFile(`--output ${options.output}`, resolve(io.cwd, options.output), guardOutput(text));
}
