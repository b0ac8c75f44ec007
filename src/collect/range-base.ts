import { DEPLOYED_COMMIT_MISSING, type Diagnostic, type RangeBase } from '../assess/facts.js';
import { DEFAULT_ENVIRONMENT } from '../config/defaults.js';
import type { Policy } from '../config/schema.js';
import { GitError } from '../errors.js';
import type { GitRunner } from './git-runner.js';

const GLOB_CHARS = /[*?[]/;

/** The env's last `succeeded` deploy in the ledger. */
export interface LedgerBase {
  sha: string;
  note: string;
  /** The record that says so, to name it when its commit is missing. */
  record: { seq: number; id: string };
  /** Whether the commit is in this clone's object store. */
  present: boolean;
}

/** Resolves a user-supplied ref to a commit sha, or null when it does not exist. */
export async function resolveCommit(git: GitRunner, ref: string): Promise<string | null> {
  const { stdout, exitCode } = await git.run(
    ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`],
    { okExitCodes: [0, 1, 128] },
  );
  return exitCode === 0 ? stdout.trim() : null;
}

/** What findBase needs of a plan's request. */
export interface BaseRequest {
  from: string | undefined;
  /** `from` resolved already (null: no such commit), by a caller that asked git alongside other work. */
  fromSha?: string | null | undefined;
  env: string;
  policy: Policy;
  ledgerBase?: LedgerBase | undefined;
}

async function newestMatchingRef(
  git: GitRunner,
  pattern: string,
): Promise<{ ref: string; sha: string } | null> {
  const patterns = pattern.startsWith('refs/')
    ? [pattern]
    : [`refs/tags/${pattern}`, `refs/heads/${pattern}`, `refs/remotes/${pattern}`];
  const { stdout } = await git.run([
    'for-each-ref',
    '--sort=-creatordate',
    '--count=1',
    '--format=%(refname:short)%00%(objectname)%00%(*objectname)',
    ...patterns,
  ]);
  const line = stdout.split('\n')[0];
  if (line === undefined || line === '') return null;
  const [ref = '', object = '', peeled = ''] = line.split('\0');
  return { ref, sha: peeled === '' ? object : peeled };
}

async function deployedRefBase(
  git: GitRunner,
  deployedRef: string,
  diagnostics: Diagnostic[],
): Promise<{ sha: string; ref: string } | null> {
  if (GLOB_CHARS.test(deployedRef)) {
    const found = await newestMatchingRef(git, deployedRef);
    if (found === null) {
      diagnostics.push({
        id: 'deployed-ref-missing',
        level: 'warning',
        message: `No ref matches deployedRef "${deployedRef}", so the last deployed commit is unknown.`,
        remedy:
          'Fetch tags (`git fetch --tags`) or tag each deploy (`git tag deploy/production/<date> <sha>`).',
      });
      return null;
    }
    return found;
  }
  const sha = await resolveCommit(git, deployedRef);
  if (sha === null) {
    diagnostics.push({
      id: 'deployed-ref-missing',
      level: 'warning',
      message: `deployedRef "${deployedRef}" does not exist in this clone.`,
      remedy: `Fetch it (\`git fetch origin ${deployedRef}\`) or correct environments.<env>.deployedRef.`,
    });
    return null;
  }
  return { sha, ref: deployedRef };
}

/**
 * A plain deployedRef names what runs; when it is the base and absent, no other rule may stand in for
 * it (a glob that matches nothing may mean nothing was deployed yet, so that stays a warning).
 */
function plainDeployedRefMissing(
  deployedRef: string | undefined,
  env: string,
  diagnostics: Diagnostic[],
): void {
  if (deployedRef === undefined || GLOB_CHARS.test(deployedRef)) return;
  const at = diagnostics.findIndex((d) => d.id === 'deployed-ref-missing');
  if (at === -1) return;
  diagnostics.splice(at, 1, {
    id: DEPLOYED_COMMIT_MISSING,
    level: 'error',
    message: `environments.${env}.deployedRef "${deployedRef}" names what runs in ${env}, but it does not exist in this clone: what the target adds to what runs cannot be told.`,
    remedy: `Fetch it (\`git fetch origin ${deployedRef}\`; in CI, check out with fetch-depth: 0 and fetch that ref) or correct environments.${env}.deployedRef.`,
  });
}

async function upstreamOf(git: GitRunner, branch: string): Promise<string | null> {
  for (const candidate of [`${branch}@{upstream}`, `refs/remotes/origin/${branch}`, `refs/heads/${branch}`]) {
    const sha = await resolveCommit(git, candidate);
    if (sha !== null) return candidate.replace(/^refs\/(remotes|heads)\//, '');
  }
  return null;
}

/** The base of the range (SPEC 3): --from, the ledger, deployedRef, the merge-base, else the root. */
export async function findBase(
  git: GitRunner,
  request: BaseRequest,
  targetSha: string,
  diagnostics: Diagnostic[],
): Promise<{ base: RangeBase; deployedSha: string | null }> {
  const envPolicy = request.policy.environments[request.env];
  const ledger = request.ledgerBase;
  if (ledger !== undefined && !ledger.present) {
    // What runs is known, but not here: any other base would assess the wrong range (a fresh clone
    // without it once read "No deploy record" and assessed everything from the root as GO).
    diagnostics.push({
      id: DEPLOYED_COMMIT_MISSING,
      level: 'error',
      message: `The ledger's last successful ${request.env} deploy (#${ledger.record.seq}, id ${ledger.record.id.slice(0, 12)}) is commit ${ledger.sha}, which is not in this clone: what the target adds to what runs (and which migrations ran) cannot be told.`,
      remedy: `Fetch it: \`git fetch origin ${ledger.sha}\` (in CI, check out with fetch-depth: 0 or fetch the branch it was deployed from); if that commit is gone for good, record a deploy of what runs now (\`deployadvisor record succeeded --env ${request.env} --sha <sha>\`).`,
    });
  }
  const ledgerBase = ledger?.present === true ? ledger : undefined;
  // What deployedRef says is read either way (it tells what runs), but that it matches nothing is
  // news only when it was to supply the base: not after --from or the ledger did.
  const refDiagnostics: Diagnostic[] = [];
  const deployed =
    envPolicy?.deployedRef === undefined
      ? null
      : await deployedRefBase(git, envPolicy.deployedRef, refDiagnostics);

  if (request.from !== undefined) {
    const sha = request.fromSha !== undefined ? request.fromSha : await resolveCommit(git, request.from);
    if (sha === null) {
      throw new GitError(
        `--from "${request.from}" is not a commit in this repository.`,
        'Pass a branch, tag or sha that exists here; in CI, fetch it first (`git fetch origin <ref>`, or checkout with fetch-depth: 0).',
      );
    }
    return {
      base: { sha, source: 'from', ref: request.from, note: `from --from ${request.from}` },
      deployedSha: ledgerBase?.sha ?? deployed?.sha ?? sha,
    };
  }
  if (ledgerBase !== undefined) {
    return {
      base: { sha: ledgerBase.sha, source: 'ledger', ref: null, note: ledgerBase.note },
      deployedSha: ledgerBase.sha,
    };
  }
  diagnostics.push(...refDiagnostics);
  if (deployed !== null) {
    return {
      base: {
        sha: deployed.sha,
        source: 'deployedRef',
        ref: deployed.ref,
        note: `since ${deployed.ref}, the newest match of deployedRef "${envPolicy?.deployedRef ?? ''}"`,
      },
      deployedSha: deployed.sha,
    };
  }
  plainDeployedRefMissing(envPolicy?.deployedRef, request.env, diagnostics);
  return upstreamBase(git, request, targetSha, diagnostics);
}

/** The last rules: the merge-base with the upstream of the env's branch, else the root (with a warning). */
async function upstreamBase(
  git: GitRunner,
  request: BaseRequest,
  targetSha: string,
  diagnostics: Diagnostic[],
): Promise<{ base: RangeBase; deployedSha: string | null }> {
  const branch = (request.policy.environments[request.env] ?? DEFAULT_ENVIRONMENT).branch;
  const upstream = await upstreamOf(git, branch);
  if (upstream !== null) {
    const { stdout, exitCode } = await git.run(['merge-base', '--end-of-options', targetSha, upstream], {
      okExitCodes: [0, 1],
    });
    const mergeBase = stdout.trim();
    if (exitCode === 0 && mergeBase !== targetSha) {
      return {
        base: {
          sha: mergeBase,
          source: 'merge-base',
          ref: upstream,
          note: `since the merge-base with ${upstream}`,
        },
        deployedSha: mergeBase,
      };
    }
  }
  diagnostics.push({
    id: 'base-assumed-root',
    level: 'warning',
    message:
      'No deploy record, no deployedRef match and no merge-base below the target: assumed nothing is deployed yet and assessed every commit since the root.',
    remedy: `Set environments.${request.env}.deployedRef (for example "deploy/${request.env}/*") or pass --from <ref>.`,
  });
  return {
    base: { sha: null, source: 'root', ref: null, note: 'since the root commit (assumed: no deploy known)' },
    deployedSha: null,
  };
}
