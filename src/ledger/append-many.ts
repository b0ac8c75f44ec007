import { randomBytes } from 'node:crypto';
import type { GitRunner } from '../collect/git-runner.js';
import { redactDeep, type LedgerRecord, type RecordBody } from './record.js';
import { compareAndSwap, jitter, readTip, writeRecordCommit } from './store.js';

/**
 * Appends several records in order as one ref update: the commits are chained on the current tip and
 * the ref moves once, by compare-and-swap, so a reader sees all of them or none. When another writer
 * wins the race, the chain is rewritten on the new tip (bounded, jittered), as appendRecord does.
 */
export async function appendRecords(
  git: GitRunner,
  ref: string,
  bodies: readonly RecordBody[],
  retries = 60,
): Promise<LedgerRecord[]> {
  if (bodies.length === 0) return [];
  const clean = bodies.map((body) => ({
    ...redactDeep(body),
    nonce: body.nonce ?? randomBytes(16).toString('hex'),
  }));
  for (let attempt = 0; ; attempt++) {
    const tip = await readTip(git, ref);
    let parent = tip;
    const written: LedgerRecord[] = [];
    for (const body of clean) {
      parent = await writeRecordCommit(git, parent, body);
      written.push(parent.record);
    }
    if (parent !== null && (await compareAndSwap(git, ref, parent.commit, tip?.commit ?? null)))
      return written;
    if (attempt >= retries) {
      throw new Error(
        `could not append to ${ref} after ${retries + 1} attempts: other writers kept moving it`,
      );
    }
    await jitter(attempt);
  }
}
