import { resolve } from 'node:path';
import type { GitRunner } from './git-runner.js';

/** Where the repository is and whether it is shallow: one `git rev-parse`, shared by every command. */
export interface RepoLayout {
  /** The work tree's top level, as git prints it. */
  root: string;
  isShallow: boolean;
  /** Absolute path of `$GIT_DIR/shallow` (it exists only in a shallow clone). */
  shallowFile: string;
  /** Absolute path of the common git directory (caches live under `<gitDir>/deployadvisor/`). */
  gitDir: string;
  /**
   * HEAD's commit and branch (null when detached, absent when unclear), read in the same call; absent
   * when HEAD is not a commit (a new repository) or could not be read with the rest, and then asked of
   * git on its own.
   */
  head?: { sha: string; branch?: string | null } | undefined;
}

const LAYOUT = [
  'rev-parse',
  '--show-toplevel',
  '--is-shallow-repository',
  '--git-path',
  'shallow',
  '--git-common-dir',
];

/**
 * Reads the layout with `git`'s working directory anywhere inside the work tree, with HEAD's commit and
 * branch in the same process (each git process is a few milliseconds of a plan's fixed cost). Where
 * HEAD is not a commit that call fails, and the layout alone is read. Failures surface as the runner's
 * GitError ("not a git repository", "dubious ownership", "git was not found").
 */
export async function readRepoLayout(git: GitRunner): Promise<RepoLayout> {
  const withHead = await git.run([...LAYOUT, 'HEAD^{commit}', '--symbolic-full-name', 'HEAD'], {
    okExitCodes: [0, 128],
  });
  const lines = (withHead.exitCode === 0 ? withHead : await git.run(LAYOUT)).stdout.trim().split('\n');
  const [root = git.cwd, shallow = 'false', shallowFile = '', gitDir = '.git', sha = '', symbolic = ''] =
    lines;
  return {
    root,
    isShallow: shallow === 'true',
    // --git-path answers relative to git's working directory, which may be a subdirectory.
    shallowFile: resolve(git.cwd, shallowFile),
    gitDir: resolve(git.cwd, gitDir),
    ...(withHead.exitCode === 0 && /^[0-9a-f]{40,64}$/.test(sha) ? { head: headOf(sha, symbolic) } : {}),
  };
}

/**
 * `--symbolic-full-name HEAD` says `refs/heads/<branch>`, or `HEAD` when detached. Anything else (nothing
 * when a branch named HEAD makes the name ambiguous, a HEAD at `refs/remotes/...`) leaves the branch
 * unknown, for `symbolic-ref` to answer.
 */
function headOf(sha: string, symbolic: string): { sha: string; branch?: string | null } {
  if (symbolic.startsWith('refs/heads/')) return { sha, branch: symbolic.slice('refs/heads/'.length) };
  return symbolic === 'HEAD' ? { sha, branch: null } : { sha };
}

/** A ref's commit when the layout already knows it (HEAD), else undefined: ask git. */
export function knownCommit(layout: RepoLayout | undefined, ref: string): string | undefined {
  return ref === 'HEAD' ? layout?.head?.sha : undefined;
}
