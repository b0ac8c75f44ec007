import { resolveCommit, type LedgerBase } from '../collect/git-facts.js';
import type { GitRunner } from '../collect/git-runner.js';
import { UserError } from '../errors.js';
import { lastSucceeded } from '../ledger/queries.js';
import type { LedgerRecord } from '../ledger/record.js';

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
