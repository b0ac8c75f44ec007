import { stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createGitRunner, type GitRunner } from '../collect/git-runner.js';
import { readRepoLayout, type RepoLayout } from '../collect/repo-layout.js';
import { loadPolicy, type LoadedPolicy } from '../config/load.js';
import { GitError, UserError } from '../errors.js';
import type { Io } from '../io.js';
import type { GlobalOptions } from '../main.js';
import { PLAIN, type Style } from '../render/style.js';

export interface Workspace {
  git: GitRunner;
  repoRoot: string;
  /** Root and shallowness, read once here and handed to the collectors. */
  layout: RepoLayout;
  loaded: LoadedPolicy;
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
  const isDirectory = await stat(dir).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (!isDirectory) throw new UserError(`--repo ${options.repo ?? dir}: no such directory (${dir}).`);
  return dir;
}

export async function openWorkspace(io: Io, options: GlobalOptions): Promise<Workspace> {
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
  const loaded = await loadPolicy({
    repoRoot,
    configPath: options.config,
    policyRef: options.policyRef,
    git,
    cwd: io.cwd,
  });
  return { git, repoRoot, layout, loaded };
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

/** Writes command output to --output or stdout. */
export async function emit(io: Io, options: GlobalOptions, text: string): Promise<void> {
  if (options.output === undefined) {
    io.stdout(text);
    return;
  }
  const path = resolve(io.cwd, options.output);
  try {
    await writeFile(path, text);
  } catch (error) {
    throw new UserError(
      `--output ${options.output}: cannot write ${path} (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
}
