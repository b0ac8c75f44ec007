import { createHash } from 'node:crypto';
import type { GitRunner } from '../collect/git-runner.js';
import { EXIT, UserError } from '../errors.js';
import { canonicalJson, recordSchema, redactDeep, type LedgerRecord, type RecordBody } from './record.js';

export const DEFAULT_LEDGER_REF = 'refs/deployadvisor/ledger';
const RECORD_FILE = 'record.json';

export interface LedgerEntry {
  commit: string;
  parents: string[];
  /** Parsed and schema-checked record, or null with `problem` set. */
  record: LedgerRecord | null;
  raw: string | null;
  problem: string | null;
}

export function recordId(record: Omit<LedgerRecord, 'id'>): string {
  return createHash('sha256').update(canonicalJson(record)).digest('hex');
}

/** The ledger's commits, oldest first, with their records (one `cat-file --batch` for all). */
export async function readLedger(git: GitRunner, ref: string): Promise<LedgerEntry[]> {
  const tip = await git.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
    okExitCodes: [0, 1, 128],
  });
  if (tip.exitCode !== 0) return [];
  const list = await git.run(['rev-list', '--reverse', '--parents', '--end-of-options', tip.stdout.trim()]);
  const commits = list.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [commit = '', ...parents] = line.split(' ');
      return { commit, parents };
    });
  if (commits.length === 0) return [];
  const bytes = await git.runBytes(['cat-file', '--batch'], {
    input: `${commits.map((c) => `${c.commit}:${RECORD_FILE}`).join('\n')}\n`,
  });
  const entries: LedgerEntry[] = [];
  let at = 0;
  for (const { commit, parents } of commits) {
    const end = bytes.indexOf(0x0a, at);
    const header = bytes.subarray(at, end).toString('utf8');
    at = end + 1;
    const match = /^[0-9a-f]+ blob (\d+)$/.exec(header);
    if (match === null) {
      entries.push({ commit, parents, record: null, raw: null, problem: `no ${RECORD_FILE} in the commit` });
      continue;
    }
    const size = Number(match[1]);
    const raw = bytes.subarray(at, at + size).toString('utf8');
    at += size + 1;
    let record: LedgerRecord | null = null;
    let problem: string | null = null;
    try {
      const parsed = recordSchema.safeParse(JSON.parse(raw));
      if (parsed.success) record = parsed.data;
      else
        problem = `malformed record: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`;
    } catch {
      problem = 'record is not JSON';
    }
    entries.push({ commit, parents, record, raw, problem });
  }
  return entries;
}

/** The well-formed records, oldest first (what commands read; `verify` reports the rest). */
export async function readRecords(git: GitRunner, ref: string): Promise<LedgerRecord[]> {
  return (await readLedger(git, ref)).flatMap((entry) => (entry.record === null ? [] : [entry.record]));
}

export interface ChainReport {
  ok: boolean;
  count: number;
  /** The first record that breaks the chain, and why. */
  firstBad: { seq: number | null; commit: string; problem: string } | null;
}

/** Integrity: every record well formed, canonical, hashed right, numbered 1..n, linked to the one before. */
export function verifyChain(entries: readonly LedgerEntry[]): ChainReport {
  let previous: LedgerRecord | null = null;
  for (const [index, entry] of entries.entries()) {
    const bad = (problem: string) => ({
      ok: false,
      count: entries.length,
      firstBad: { seq: entry.record?.seq ?? null, commit: entry.commit, problem },
    });
    if (entry.record === null) return bad(entry.problem ?? 'unreadable record');
    const record = entry.record;
    if (entry.parents.length > 1) return bad('the ledger commit has more than one parent');
    if (entry.raw !== canonicalJson(record))
      return bad('the record is not in canonical form (it was edited)');
    const { id, ...rest } = record;
    if (recordId(rest) !== id) return bad('the record does not match its hash (its content was changed)');
    if (record.seq !== index + 1)
      return bad(`sequence ${record.seq} where ${index + 1} was expected (records missing or reordered)`);
    if (record.prev !== (previous?.id ?? null))
      return bad('`prev` does not match the previous record (the chain was cut or rewritten)');
    previous = record;
  }
  return { ok: true, count: entries.length, firstBad: null };
}

/** Identity of an event regardless of where it sits in the chain: the record without seq, prev, id. */
export function bodyDigest(record: LedgerRecord | RecordBody): string {
  const { seq: _seq, prev: _prev, id: _id, ...body } = record as LedgerRecord;
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** Writes one record as a commit on top of `parent` (or as a root) and returns it; moves no ref. */
export async function writeRecordCommit(
  git: GitRunner,
  parent: { commit: string; record: LedgerRecord } | null,
  body: RecordBody,
): Promise<{ commit: string; record: LedgerRecord }> {
  const unsigned = { ...body, seq: (parent?.record.seq ?? 0) + 1, prev: parent?.record.id ?? null };
  const record: LedgerRecord = { ...unsigned, id: recordId(unsigned) };
  const text = canonicalJson(record);
  const blob = (await git.run(['hash-object', '-w', '--stdin'], { input: text })).stdout.trim();
  const tree = (await git.run(['mktree'], { input: `100644 blob ${blob}\t${RECORD_FILE}\n` })).stdout.trim();
  const message = `${record.type} ${record.env} ${record.sha.slice(0, 12)} #${record.seq}\n`;
  // Identity on the command line, so a CI runner without user.name can still record.
  const commit = (
    await git.run(
      [
        '-c',
        'user.name=deployadvisor',
        '-c',
        'user.email=ledger@deployadvisor.invalid',
        'commit-tree',
        tree,
        ...(parent === null ? [] : ['-p', parent.commit]),
      ],
      { input: message },
    )
  ).stdout.trim();
  return { commit, record };
}

function parseRecord(text: string): ReturnType<typeof recordSchema.safeParse> | null {
  try {
    return recordSchema.safeParse(JSON.parse(text));
  } catch {
    return null;
  }
}

/** The ref's tip commit and its record, or null for an empty ledger. */
export async function readTip(
  git: GitRunner,
  ref: string,
): Promise<{ commit: string; record: LedgerRecord } | null> {
  const tip = await git.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
    okExitCodes: [0, 1, 128],
  });
  if (tip.exitCode !== 0) return null;
  const commit = tip.stdout.trim();
  const raw = await git.run(['cat-file', 'blob', `${commit}:${RECORD_FILE}`], { okExitCodes: [0, 128] });
  const parsed = raw.exitCode === 0 ? parseRecord(raw.stdout) : null;
  if (parsed === null || !parsed.success) {
    throw new UserError(
      `the newest ledger record (${ref} at ${commit.slice(0, 12)}) is malformed, so nothing is appended to it.`,
      {
        exitCode: EXIT.block,
        hint: 'Run `deployadvisor ledger verify` to see what is wrong; restore the ref from a remote or a bundle.',
      },
    );
  }
  return { commit, record: parsed.data };
}

/** Moves the ref from `expected` (null: must not exist) to `commit`; false when another writer won. */
export async function compareAndSwap(
  git: GitRunner,
  ref: string,
  commit: string,
  expected: string | null,
): Promise<boolean> {
  const old = expected ?? '0'.repeat(commit.length);
  const moved = await git.run(['update-ref', '-m', 'deployadvisor ledger', ref, commit, old], {
    okExitCodes: [0, 1, 128],
  });
  return moved.exitCode === 0;
}

export function jitter(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(Math.random() * (20 + attempt * 10))));
}

export interface AppendOptions {
  /** Bounded retries when another writer moved the ref first (compare-and-swap lost). */
  retries?: number;
}

/**
 * Appends one record: writes a blob, a tree and a commit whose parent is the current tip, then moves
 * the ref with a compare-and-swap `update-ref`. The working tree, index and HEAD are never touched.
 * When another writer wins the race, it re-reads the tip and tries again (jittered, bounded).
 */
export async function appendRecord(
  git: GitRunner,
  ref: string,
  body: RecordBody,
  options: AppendOptions = {},
): Promise<LedgerRecord> {
  const retries = options.retries ?? 60;
  const clean = redactDeep(body);
  for (let attempt = 0; ; attempt++) {
    const tip = await readTip(git, ref);
    const written = await writeRecordCommit(git, tip, clean);
    if (await compareAndSwap(git, ref, written.commit, tip?.commit ?? null)) return written.record;
    if (attempt >= retries) {
      throw new Error(
        `could not append to ${ref} after ${retries + 1} attempts: other writers kept moving it`,
      );
    }
    await jitter(attempt);
  }
}
