import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Diagnostic, DroppedCommits, GitFacts, MigrationFile, RangeBase } from '../assess/facts.js';
import { GitError } from '../errors.js';
import type { Policy } from '../config/schema.js';
import { pathMatcher } from '../assess/path-globs.js';
import { findDownFile, isDownStep, isMigrationSupportFile } from '../assess/migration-files.js';
import { readCommits } from './git-log.js';
import { batchObjects } from './git-objects.js';
import { readRangeDiff } from './range-diff.js';
import type { GitRunner } from './git-runner.js';
import { findBase, resolveCommit, type LedgerBase } from './range-base.js';
import { knownCommit, readRepoLayout, type RepoLayout } from './repo-layout.js';

export { resolveCommit, type LedgerBase } from './range-base.js';
const MAX_MIGRATION_BYTES = 512 * 1024;

export interface GitFactsRequest {
  target: string;
  from: string | undefined;
  env: string;
  policy: Policy;
  /** The last `succeeded` deploy of the env, from the ledger, when one exists. */
  ledgerBase?: LedgerBase | undefined;
  /**
   * Called once the base is known, before the log and the diff are read: a caller with work that
   * needs only the base (the plan's change profile) starts it then, alongside git.
   */
  onBase?: ((baseSha: string | null) => void) | undefined;
  /** The layout `openWorkspace` already read, which saves a git call; read here when absent. */
  layout?: RepoLayout | undefined;
  /** `target` resolved already (by the caller, to start work that needs it); resolved here when absent. */
  targetSha?: string | undefined;
  /** `from` resolved already (null: no such commit); resolved here when absent. */
  fromSha?: string | null | undefined;
}

/** The current branch, or null when HEAD is detached. */
async function currentBranch(git: GitRunner): Promise<string | null> {
  const branch = await git.run(['symbolic-ref', '--quiet', '--short', 'HEAD'], { okExitCodes: [0, 1, 128] });
  return branch.exitCode === 0 ? branch.stdout.trim() : null;
}

async function readShallowBoundary(git: GitRunner, shallowFile: string): Promise<Set<string>> {
  try {
    const text = await readFile(resolve(git.cwd, shallowFile), 'utf8');
    return new Set(text.split('\n').filter(Boolean));
  } catch {
    return new Set();
  }
}

/**
 * Reads blobs through one `cat-file --batch`; null for missing or oversized ones. Each spec is a blob id
 * or `<rev>:<path>`; a path holding a newline cannot go through the batch (git 2.39 has no `-z` for it),
 * so callers name such blobs by id (listTree gives them).
 */
export async function readBlobs(
  git: GitRunner,
  specs: readonly string[],
): Promise<Map<string, string | null>> {
  const result = new Map<string, string | null>();
  if (specs.length === 0) return result;
  const stdout = await git.runBytes(['cat-file', '--batch'], { input: `${specs.join('\n')}\n` });
  batchObjects(stdout, specs.length).forEach((object, i) => {
    const blob = object?.type === 'blob' && object.data.length <= MAX_MIGRATION_BYTES ? object.data : null;
    result.set(specs[i] ?? '', blob === null ? null : blob.toString('utf8'));
  });
  return result;
}

/** The files under `dirs` at `rev`, each with its object id. */
async function listTree(git: GitRunner, rev: string, dirs: readonly string[]): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  if (dirs.length === 0) return entries;
  for await (const entry of git.stream(
    ['ls-tree', '-r', '-z', '--end-of-options', rev, '--', ...dirs],
    '\0',
  )) {
    // `<mode> <type> <object>\t<path>`; the path may hold any byte but NUL.
    const tab = entry.indexOf('\t');
    if (tab === -1) continue;
    const oid = entry.slice(0, tab).split(' ')[2] ?? '';
    entries.set(entry.slice(tab + 1), oid);
  }
  return entries;
}

function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '.' : path.slice(0, slash);
}

async function readMigrations(
  git: GitRunner,
  facts: Pick<GitFacts, 'diff' | 'target' | 'deployedSha'>,
  policy: Policy,
): Promise<MigrationFile[]> {
  const matches = pathMatcher(policy.migrations.paths);
  // A migration moved out of the migrations folder is still one: the old path counts like the new.
  const isMigration = (path: string | undefined) =>
    path !== undefined && matches(path) && !isMigrationSupportFile(path) && !isDownStep(path);
  // Down files (x.down.sql, U3__x.sql) are read as the pair of their migration, not as migrations.
  const changed = facts.diff.filter(
    (file) => file.status !== 'deleted' && (isMigration(file.path) || isMigration(file.oldPath)),
  );
  if (changed.length === 0) return [];
  const dirs = [...new Set(changed.map((file) => dirOf(file.path)))];
  const [targetTree, deployedTree] = await Promise.all([
    listTree(git, facts.target.sha, dirs),
    facts.deployedSha === null ? new Map<string, string>() : listTree(git, facts.deployedSha, dirs),
  ]);
  const targetPaths = new Set(targetTree.keys());
  const downPaths = new Map(changed.map((file) => [file.path, findDownFile(file.path, targetPaths)]));
  const oids = [
    ...changed.map((file) => targetTree.get(file.path)),
    ...[...downPaths.values()].map((down) => (down === null ? undefined : targetTree.get(down))),
  ].filter((oid): oid is string => oid !== undefined && oid !== '');
  const blobs = await readBlobs(git, [...new Set(oids)]);
  const contentOf = (path: string): string | null => {
    const oid = targetTree.get(path);
    return oid === undefined ? null : (blobs.get(oid) ?? null);
  };
  return changed.map((file) => {
    const down = downPaths.get(file.path) ?? null;
    return {
      path: file.path,
      status: file.status,
      content: contentOf(file.path),
      downFile: down === null ? null : { path: down, content: contentOf(down) },
      ...(file.oldPath === undefined ? {} : { oldPath: file.oldPath }),
      presentInDeployedTree:
        (file.status === 'added' || file.status === 'copied') && deployedTree.has(file.path),
    };
  });
}

/** Collects everything git can tell about deploying `target` to `env`. */
export async function collectGitFacts(git: GitRunner, request: GitFactsRequest): Promise<GitFacts> {
  const diagnostics: Diagnostic[] = [];
  const layout = request.layout ?? (await readRepoLayout(git));
  // Independent questions, asked at once; the target's answer is checked first, as before.
  const [targetSha, branch] = await Promise.all([
    request.targetSha ?? knownCommit(layout, request.target) ?? resolveCommit(git, request.target),
    layout.head?.branch === undefined ? currentBranch(git) : layout.head.branch,
  ]);
  const state = { ...layout, branch };
  if (targetSha === null) {
    throw new GitError(
      `Target "${request.target}" is not a commit in ${state.root}.`,
      state.isShallow
        ? 'This is a shallow clone; fetch the ref first (`git fetch --deepen=100 origin`, or fetch-depth: 0 in actions/checkout).'
        : 'Pass a branch, tag or sha that exists here (see `git log --oneline`).',
    );
  }
  if (state.branch === null) {
    diagnostics.push({
      id: 'detached-head',
      level: 'info',
      message: `HEAD is detached (usual in CI checkouts); the plan assesses ${request.target} = ${targetSha.slice(0, 12)}.`,
    });
  }
  const { base, deployedSha } = await findBase(git, request, targetSha, diagnostics);
  request.onBase?.(base.sha);
  // The log, the range diff and the dropped commits are independent: run the gits at once. Errors
  // surface as they did when they ran one after the other: the log's first.
  const reading = readCommits(git, base.sha, targetSha);
  const [commitsResult, diffResult, droppedResult] = await Promise.allSettled([
    reading,
    (async () => {
      // From the root, diff against the empty tree (its id depends on the repository's hash algorithm).
      const from =
        base.sha ?? (await git.run(['hash-object', '-t', 'tree', '--stdin'], { input: '' })).stdout.trim();
      return readRangeDiff(git, from, targetSha);
    })(),
    // A base that is a parent of a commit of the range is an ancestor of the target: nothing is dropped,
    // and git need not count it (the common case). Otherwise git is asked once the log is read.
    reading.then(
      (commits) => {
        const baseSha = base.sha;
        const ancestor = baseSha !== null && commits.some((commit) => commit.parents.includes(baseSha));
        return ancestor ? null : readDropped(git, base, targetSha);
      },
      () => null,
    ),
  ]);
  if (commitsResult.status === 'rejected') throw commitsResult.reason;
  if (diffResult.status === 'rejected') throw diffResult.reason;
  if (droppedResult.status === 'rejected') throw droppedResult.reason;
  const commits = commitsResult.value;
  const diff = diffResult.value;
  const dropped = droppedResult.value;

  let rangeTruncated = false;
  if (state.isShallow) {
    const boundary = await readShallowBoundary(git, state.shallowFile);
    rangeTruncated = base.sha === null || commits.some((commit) => boundary.has(commit.sha));
    diagnostics.push({
      id: 'shallow-clone',
      level: rangeTruncated ? 'error' : 'warning',
      message: rangeTruncated
        ? `This is a shallow clone and the deploy range reaches its cut-off, so commits before it are missing from the assessment.`
        : 'This is a shallow clone; the deploy range happens to be complete.',
      remedy:
        'Fetch the full history: `git fetch --unshallow` (GitHub Actions: actions/checkout with `fetch-depth: 0`; GitLab: GIT_DEPTH: 0), or at least `git fetch --deepen=<n>` past the last deploy.',
    });
  }

  const partial = { diff, target: { ref: request.target, sha: targetSha }, deployedSha };
  const migrations = await readMigrations(git, partial, request.policy);
  return {
    repoRoot: state.root,
    target: partial.target,
    base,
    deployedSha,
    head: { detached: state.branch === null, branch: state.branch },
    shallow: { isShallow: state.isShallow, rangeTruncated },
    commits,
    diff,
    migrations,
    diagnostics,
    ...(dropped === null ? {} : { dropped }),
  };
}

/** The listed commits of a dropped range; the total is counted apart. */
const DROPPED_LISTED = 5;

/**
 * What runs (a ledger or deployedRef base) minus the target: the commits deploying the target takes
 * out. A `--from` base counts only when the target is behind it (see below).
 */
async function readDropped(
  git: GitRunner,
  base: RangeBase,
  targetSha: string,
): Promise<DroppedCommits | null> {
  if (
    base.sha === null ||
    base.sha === targetSha ||
    (base.source !== 'ledger' && base.source !== 'deployedRef' && base.source !== 'from')
  )
    return null;
  const range = `${targetSha}..${base.sha}`;
  const total = Number((await git.run(['rev-list', '--count', '--end-of-options', range])).stdout.trim());
  if (!(total > 0)) return null;
  const [ancestor, listed] = await Promise.all([
    git.run(['merge-base', '--is-ancestor', '--end-of-options', targetSha, base.sha], {
      okExitCodes: [0, 1],
    }),
    readCommits(git, targetSha, base.sha, { maxCount: DROPPED_LISTED }),
  ]);
  // A --from range that merely diverges is the user's own choice (a branch behind main, say); one that
  // is entirely behind its base deploys nothing new and undoes the base: a downgrade all the same.
  if (base.source === 'from' && ancestor.exitCode !== 0) return null;
  return {
    kind: ancestor.exitCode === 0 ? 'downgrade' : 'diverged',
    total,
    commits: listed.map((commit) => ({ sha: commit.sha, subject: commit.subject })),
  };
}
