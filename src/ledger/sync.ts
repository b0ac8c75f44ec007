import type { GitRunner } from '../collect/git-runner.js';
import { EXIT, UserError } from '../errors.js';
import {
  bodyDigest,
  compareAndSwap,
  jitter,
  readLedger,
  readTip,
  resolveLedgerTip,
  verifyChain,
  type ChainReport,
  writeRecordCommit,
} from './store.js';
import type { LedgerRecord } from './record.js';

/** Where a remote's ledger is fetched to: private, so fetching never changes the ledger itself. */
export function trackingRef(remote: string): string {
  const safe = remote.replace(/[^A-Za-z0-9._-]+/g, '_');
  return `refs/deployadvisor/remotes/${safe}/ledger`;
}

/** Fetches the remote ledger; null when the remote has none yet. */
export async function fetchRemote(git: GitRunner, remote: string, ref: string): Promise<string | null> {
  const tracking = trackingRef(remote);
  const result = await git.run(
    [
      'fetch',
      '--quiet',
      '--no-tags',
      '--no-write-fetch-head',
      '--end-of-options',
      remote,
      `+${ref}:${tracking}`,
    ],
    {
      okExitCodes: [0, 1, 128],
    },
  );
  if (result.exitCode !== 0) {
    const probe = await git.run(['ls-remote', '--end-of-options', remote, ref], {
      okExitCodes: [0, 1, 2, 128],
    });
    if (probe.exitCode === 0 && probe.stdout.trim() === '') {
      await git.run(['update-ref', '-d', tracking], { okExitCodes: [0, 1, 128] });
      return null;
    }
    throw new UserError(`cannot fetch the ledger from "${remote}".`, {
      hint: 'Check the remote name or URL and your access (git fetch works from this clone?).',
    });
  }
  return (await git.run(['rev-parse', '--verify', tracking])).stdout.trim();
}

async function isAncestor(git: GitRunner, older: string, newer: string): Promise<boolean> {
  return (
    (await git.run(['merge-base', '--is-ancestor', older, newer], { okExitCodes: [0, 1] })).exitCode === 0
  );
}

export interface IntegrateResult {
  /** fast-forward: took the remote's records; rebased: local-only records re-appended on top. */
  outcome: 'up-to-date' | 'fast-forward' | 'ahead' | 'rebased';
  /** Local records that were not on the remote and were re-appended on top of it. */
  reappended: number;
}

/**
 * Brings the remote's records into the local ledger without losing either side: when the two chains
 * diverged, the local records the remote lacks are re-appended on top of the remote's tip (new seq and
 * prev, same content), and the ref moves with compare-and-swap.
 */
/** Refuses to merge a chain that fails verification: merging would launder an edited record. */
async function assertIntact(git: GitRunner, tip: string, what: string): Promise<void> {
  const report = verifyChain(await readLedger(git, tip));
  if (!report.ok) {
    throw new UserError(
      `the ${what} ledger fails verification ${report.firstBad?.seq === null ? '' : `at record ${report.firstBad?.seq ?? '?'} `}(${report.firstBad?.problem ?? ''}); nothing was merged.`,
      {
        exitCode: EXIT.block,
        hint: 'Run `deployadvisor ledger verify` and restore the ledger from a copy you trust before syncing.',
      },
    );
  }
}

export async function integrate(git: GitRunner, ref: string, remoteTip: string): Promise<IntegrateResult> {
  await assertIntact(git, remoteTip, 'remote');
  if ((await resolveLedgerTip(git, ref)).status !== 'absent') await assertIntact(git, ref, 'local');
  for (let attempt = 0; ; attempt++) {
    const local = await readTip(git, ref);
    if (local === null) {
      if (await compareAndSwap(git, ref, remoteTip, null)) return { outcome: 'fast-forward', reappended: 0 };
    } else if (local.commit === remoteTip) {
      return { outcome: 'up-to-date', reappended: 0 };
    } else if (await isAncestor(git, local.commit, remoteTip)) {
      if (await compareAndSwap(git, ref, remoteTip, local.commit))
        return { outcome: 'fast-forward', reappended: 0 };
    } else if (await isAncestor(git, remoteTip, local.commit)) {
      return { outcome: 'ahead', reappended: 0 };
    } else {
      const remote = await readLedger(git, remoteTip);
      const mine = await readLedger(git, local.commit);
      const known = new Set(
        remote.flatMap((entry) => (entry.record === null ? [] : [bodyDigest(entry.record)])),
      );
      const missing = mine.flatMap((entry) =>
        entry.record !== null && !known.has(bodyDigest(entry.record)) ? [entry.record] : [],
      );
      let top: { commit: string; record: LedgerRecord } | null = await readTip(git, remoteTip);
      // A re-appended record gets a new id: a void or correction of it re-appended after it follows.
      const moved = new Map<string, string>();
      for (const record of missing) {
        const { seq: _seq, prev: _prev, id, ...body } = record;
        const corrects =
          body.corrects === undefined ? undefined : (moved.get(body.corrects) ?? body.corrects);
        top = await writeRecordCommit(git, top, { ...body, ...(corrects === undefined ? {} : { corrects }) });
        moved.set(id, top.record.id);
      }
      if (top !== null && (await compareAndSwap(git, ref, top.commit, local.commit))) {
        return { outcome: 'rebased', reappended: missing.length };
      }
    }
    if (attempt >= 20) throw new Error(`could not update ${ref}: other writers kept moving it`);
    await jitter(attempt);
  }
}

export async function pullLedger(
  git: GitRunner,
  remote: string,
  ref: string,
): Promise<IntegrateResult & { remote: string | null }> {
  const remoteTip = await fetchTrusted(git, remote, ref, 'pull');
  if (remoteTip === null) return { outcome: 'up-to-date', reappended: 0, remote: null };
  return { ...(await integrate(git, ref, remoteTip)), remote: remoteTip };
}

/**
 * Pushes without force. When the remote moved, fetches it, re-appends the local-only records on top and
 * pushes again (bounded, jittered), so two CI jobs recording at once lose nothing and a clone that never
 * pulled cannot wipe the remote.
 */
export async function pushLedger(
  git: GitRunner,
  remote: string,
  ref: string,
): Promise<{ pushed: boolean; attempts: number; reappended: number }> {
  let reappended = 0;
  if ((await readTip(git, ref)) === null) return { pushed: false, attempts: 1, reappended };
  // A remote that lost records or was replaced is an incident, not something to push over.
  await fetchTrusted(git, remote, ref, 'push');
  for (let attempt = 1; ; attempt++) {
    const local = await readTip(git, ref);
    if (local === null) return { pushed: false, attempts: attempt, reappended };
    const push = await git.run(
      ['push', '--quiet', '--porcelain', '--end-of-options', remote, `${ref}:${ref}`],
      { okExitCodes: [0, 1, 128] },
    );
    if (push.exitCode === 0) return { pushed: true, attempts: attempt, reappended };
    if (attempt >= 8) {
      throw new UserError(
        `ledger push to "${remote}" was rejected ${attempt} times; the remote keeps moving or refuses the ref.`,
        {
          hint: 'Try again; if it persists, check that the remote accepts refs/deployadvisor/* (some hosts restrict custom refs).',
        },
      );
    }
    const remoteTip = await fetchTrusted(git, remote, ref, 'push');
    if (remoteTip !== null) reappended += (await integrate(git, ref, remoteTip)).reappended;
    await jitter(attempt);
  }
}

export interface Completeness {
  remoteCount: number;
  /** Records the remote has and this clone lacks. */
  remoteOnly: number;
  /** Local records the remote lacks that come after everything it has: simply not pushed yet. */
  unpushed: number;
  /** Local records the remote lacks although it has later ones: the remote lost them. */
  missingOnRemote: number;
  /** The remote's ledger moved backwards or sideways since the last fetch (force-pushed). */
  remoteRewritten: boolean;
  /** Why the remote's own chain fails verification (an edited record, a ref that is not a commit), or null. */
  remoteBroken: string | null;
}

/** Completeness against a remote, by record content (seq and prev differ after a re-append). */
export async function compareWithRemote(git: GitRunner, remote: string, ref: string): Promise<Completeness> {
  return (await checkRemote(git, remote, ref)).completeness;
}

/**
 * Fetches the remote's ledger and compares it with the local one. When the remote moved backwards or
 * sideways since the last fetch, the private tracking ref is put back where it was, so that every later
 * verify, pull and push sees the rewrite again instead of taking the rewritten chain as the new normal.
 */
async function checkRemote(
  git: GitRunner,
  remote: string,
  ref: string,
): Promise<{ completeness: Completeness; remoteTip: string | null }> {
  const tracking = trackingRef(remote);
  const previous = await git.run(['rev-parse', '--verify', '--quiet', tracking], {
    okExitCodes: [0, 1, 128],
  });
  const remoteTip = await fetchRemote(git, remote, ref);
  const local = await readLedger(git, ref);
  const theirs = remoteTip === null ? [] : await readLedger(git, remoteTip);
  const digest = (entry: (typeof local)[number]) => (entry.record === null ? null : bodyDigest(entry.record));
  const remoteSet = new Set(theirs.map(digest).filter((d): d is string => d !== null));
  const mine = local.map(digest);
  const mineSet = new Set(mine.filter((d): d is string => d !== null));
  const lastShared = mine.reduce((last, d, i) => (d !== null && remoteSet.has(d) ? i : last), -1);
  const localOnly = mine.map((d, i) => ({ d, i })).filter(({ d }) => d !== null && !remoteSet.has(d));
  let remoteRewritten = false;
  if (previous.exitCode === 0) {
    const old = previous.stdout.trim();
    remoteRewritten =
      remoteTip === null ||
      (old !== remoteTip &&
        (await git.run(['merge-base', '--is-ancestor', old, remoteTip], { okExitCodes: [0, 1, 128] }))
          .exitCode !== 0);
    if (remoteRewritten) await git.run(['update-ref', tracking, old], { okExitCodes: [0, 1, 128] });
  }
  return {
    remoteTip,
    completeness: {
      remoteCount: theirs.length,
      remoteOnly: [...remoteSet].filter((d) => !mineSet.has(d)).length,
      unpushed: localOnly.filter(({ i }) => i > lastShared).length,
      missingOnRemote: localOnly.filter(({ i }) => i < lastShared).length,
      remoteRewritten,
      remoteBroken: brokenAt(verifyChain(theirs)),
    },
  };
}

function brokenAt(report: ChainReport): string | null {
  const bad = report.firstBad;
  if (bad === null) return null;
  return bad.seq === null
    ? bad.problem
    : `record ${bad.seq} (commit ${bad.commit.slice(0, 12)}): ${bad.problem}`;
}

/** What is wrong with the remote's ledger, in the words `ledger verify` uses (empty: nothing). */
export function remoteProblems(completeness: Completeness, remote: string): string[] {
  const problems: string[] = [];
  if (completeness.remoteBroken !== null)
    problems.push(`${remote}'s ledger fails verification: ${completeness.remoteBroken}`);
  if (completeness.missingOnRemote > 0)
    problems.push(
      `${remote} lacks ${completeness.missingOnRemote} record(s) that come before records it has: its ledger was rewritten`,
    );
  if (completeness.remoteRewritten)
    problems.push(
      `${remote}'s ledger moved backwards or was replaced since this clone last fetched it (force-pushed)`,
    );
  return problems;
}

/**
 * Fetches the remote's ledger for pull and push, refusing (exit 4) one that was rewritten or truncated:
 * merging with it would re-append this clone's records on top of a forged chain and hide the rewrite.
 */
async function fetchTrusted(
  git: GitRunner,
  remote: string,
  ref: string,
  action: 'pull' | 'push',
): Promise<string | null> {
  const { completeness, remoteTip } = await checkRemote(git, remote, ref);
  const problems = remoteProblems(completeness, remote);
  if (problems.length > 0) {
    throw new UserError(`ledger ${action} refused: ${problems.join('; ')}. Nothing was merged or pushed.`, {
      exitCode: EXIT.block,
      hint: `Run \`deployadvisor ledger verify ${remote}\`, find out who rewrote the remote's ${ref}, and restore it from a copy you trust (this clone, a bundle) before syncing again.`,
    });
  }
  return remoteTip;
}
