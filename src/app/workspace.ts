import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { notARegularFile } from '../collect/file-kind.js';
import { createGitRunner, type GitRunner } from '../collect/git-runner.js';
import { readRepoLayout, type RepoLayout } from '../collect/repo-layout.js';
import type { Diagnostic } from '../assess/facts.js';
import { loadPolicy, workingTreePolicyBlob, type LoadedPolicy } from '../config/load.js';
import { suggestKey } from '../config/suggest.js';
import { GitError, UserError } from '../errors.js';
import { inEffect } from '../ledger/corrections.js';
import type { LedgerRecord } from '../ledger/record.js';
import { readRecords } from '../ledger/store.js';
import type { AppPorts, WorkspaceRequest } from './ports.js';
import { BUILD } from '../version.js';

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
export function pullRequestBase(env: AppPorts['env']): { branch: string; variable: string } | null {
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
  load: { repoRoot: string; configPath: string | undefined; cwd: string; layout: RepoLayout },
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

/** The directory to work in; a missing one is named (git would only say it cannot start). */
export async function repoDirectory(
  ports: Pick<AppPorts, 'cwd'>,
  options: WorkspaceRequest,
): Promise<string> {
  const dir = resolve(ports.cwd, options.repo ?? '.');
  const info = await stat(dir).catch(() => null);
  if (info === null) throw new UserError(`--repo ${options.repo ?? dir}: no such directory (${dir}).`);
  if (!info.isDirectory()) {
    throw new UserError(
      `--repo ${options.repo ?? dir}: expected a directory, found ${notARegularFile(info) ?? 'a file'} (${dir}).`,
    );
  }
  return dir;
}

/**
 * A repository without a commit (just `git init`ed) is named as such, once, instead of each command's
 * own "HEAD is not a commit" or an empty answer.
 */
async function requireCommits(git: GitRunner, dir: string): Promise<void> {
  // HEAD is a commit in every repository but a new one; only then are branches and tags looked at
  // (never the ledger's ref, which may be the very thing a command is about to report as corrupt).
  const head = await git.run(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], {
    okExitCodes: [0, 1, 128],
  });
  if (head.exitCode === 0) return;
  const { stdout } = await git.run(
    ['for-each-ref', '--count=1', '--format=%(objectname)', 'refs/heads', 'refs/tags', 'refs/remotes'],
    { okExitCodes: [0, 128] },
  );
  if (stdout.trim() === '') {
    throw new UserError(`${dir}: the repository has no commits yet.`, {
      hint: 'Commit something first (`git commit`); `deployadvisor init` and `config check` work before that.',
    });
  }
}

/**
 * Opens the repository (one git call to find its root and shallowness) and loads the policy. Every
 * command but the policy's own (`use.history: false`) needs at least one commit.
 */
export async function openWorkspace(
  ports: Pick<AppPorts, 'cwd' | 'env' | 'log'>,
  options: WorkspaceRequest,
  use: { pullRequestPolicy?: boolean; history?: boolean; policyCache?: boolean } = {},
): Promise<Workspace> {
  const dir = await repoDirectory(ports, options);
  const log = ports.log;
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
  if (use.history !== false && layout.head === undefined) await requireCommits(git, repoRoot);
  const base =
    use.pullRequestPolicy === true && options.policyRef === undefined ? pullRequestBase(ports.env) : null;
  if (base !== null) {
    const { loaded, diagnostics } = await pullRequestPolicy(git, base, {
      repoRoot,
      configPath: options.config,
      cwd: ports.cwd,
      layout,
    });
    return { git, repoRoot, layout, loaded, diagnostics };
  }
  const loaded = await loadPolicy({
    repoRoot,
    configPath: options.config,
    policyRef: options.policyRef,
    git,
    cwd: ports.cwd,
    layout,
    cache: use.policyCache !== false,
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

/** Every well-formed ledger record, oldest first, voided and corrected ones included (list, export). */
export async function allLedgerRecords(workspace: Workspace): Promise<LedgerRecord[]> {
  return readRecords(workspace.git, workspace.loaded.policy.ledger.ref, {
    gitDir: workspace.layout.gitDir,
    version: BUILD,
  });
}

/** The ledger records in effect, oldest first: corrections applied (what plans, insights, backtest read). */
export async function ledgerRecords(workspace: Workspace): Promise<LedgerRecord[]> {
  return inEffect(await allLedgerRecords(workspace));
}
