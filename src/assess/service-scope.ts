import type { CommitFacts, FileChange, GitFacts } from './facts.js';
import { pathMatcher } from './path-globs.js';

/** The service a plan or backtest is scoped to: its name and the globs of its files. */
export interface ServiceScope {
  name: string;
  paths: readonly string[];
}

/** True when the file (or the path it was renamed from) belongs to the service. */
export function serviceFileMatcher(
  scope: ServiceScope,
): (file: Pick<FileChange, 'path' | 'oldPath'>) => boolean {
  const inService = pathMatcher(scope.paths);
  return (file) => inService(file.path) || (file.oldPath !== undefined && inService(file.oldPath));
}

/**
 * A commit as the service sees it: only the files in the service's paths, or null when it touches
 * none (it is not part of the service's deploy).
 */
export function serviceCommit(
  commit: CommitFacts,
  matches: (file: Pick<FileChange, 'path' | 'oldPath'>) => boolean,
): CommitFacts | null {
  const files = commit.files.filter(matches);
  return files.length === 0 ? null : { ...commit, files };
}

/**
 * The range as one service deploys it: commits that touch none of its paths are left out, and so are
 * the other files (and migrations) of the rest, so a change to packages/web carries no risk into a
 * plan of packages/api. `scope` says how many commits were left out.
 */
export function scopeFacts(facts: GitFacts, scope: ServiceScope): GitFacts {
  const matches = serviceFileMatcher(scope);
  const commits = facts.commits.flatMap((commit) => serviceCommit(commit, matches) ?? []);
  const outside = facts.commits.length - commits.length;
  const diagnostics = [...facts.diagnostics];
  if (outside > 0 && commits.length > 0)
    diagnostics.push({
      id: 'service-scope',
      level: 'info',
      message: `Service ${scope.name}: ${outside} of ${facts.commits.length} commit(s) in the range touch none of its paths (${scope.paths.join(', ')}) and are not part of this deploy.`,
    });
  return {
    ...facts,
    diagnostics,
    commits,
    diff: facts.diff.filter(matches),
    migrations: facts.migrations.filter(matches),
    scope: { service: scope.name, paths: [...scope.paths], outside },
  };
}
