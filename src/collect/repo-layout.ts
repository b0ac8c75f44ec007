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
}

/**
 * Reads the layout with `git`'s working directory anywhere inside the work tree. Failures surface as
 * the runner's GitError ("not a git repository", "dubious ownership", "git was not found").
 */
export async function readRepoLayout(git: GitRunner): Promise<RepoLayout> {
  const { stdout } = await git.run([
    'rev-parse',
    '--show-toplevel',
    '--is-shallow-repository',
    '--git-path',
    'shallow',
    '--git-common-dir',
  ]);
  const [root = git.cwd, shallow = 'false', shallowFile = '', gitDir = '.git'] = stdout.trim().split('\n');
  return {
    root,
    isShallow: shallow === 'true',
    // --git-path answers relative to git's working directory, which may be a subdirectory.
    shallowFile: resolve(git.cwd, shallowFile),
    gitDir: resolve(git.cwd, gitDir),
  };
}
