import { createHash, randomBytes } from 'node:crypto';
import type { GitRunner } from '../collect/git-runner.js';
import { EXIT, UserError } from '../errors.js';
import { batchObjects, treeEntries } from '../collect/git-objects.js';
import { memoRecords } from './records-cache.js';
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
  /** True when the problem is the ref or its history as a whole (not one record): nothing is readable. */
  whole?: boolean;
}

export function recordId(record: Omit<LedgerRecord, 'id'>): string {
  return createHash('sha256').update(canonicalJson(record)).digest('hex');
}

/** What a ledger ref (or a commit id) points at: nothing, a commit, or something that is not a ledger. */
export type LedgerTip =
  | { status: 'absent' }
  | { status: 'commit'; commit: string }
  | { status: 'bad'; object: string; problem: string };

/** Resolves the ref without peeling: a ledger ref must point at a commit, not a tag, tree or blob. */
export async function resolveLedgerTip(git: GitRunner, ref: string): Promise<LedgerTip> {
  // The usual answers for a ref (a commit, or no ledger yet) in one git call; anything else (an object
  // id, a ref at a tag, tree, blob or missing object) is looked at closely below.
  if (/^refs\/[A-Za-z0-9._/-]+$/.test(ref)) {
    const listed = await git.run(['for-each-ref', '--format=%(objectname) %(objecttype) %(refname)', ref], {
      okExitCodes: [0, 1, 128],
    });
    const lines = listed.stdout.split('\n').filter((line) => line !== '');
    if (listed.exitCode === 0 && lines.length === 0) return { status: 'absent' };
    const [object = '', kind = '', name = ''] = lines[0]?.split(' ') ?? [];
    if (listed.exitCode === 0 && lines.length === 1 && name === ref && kind === 'commit')
      return { status: 'commit', commit: object };
  }
  const oid = await git.run(['rev-parse', '--verify', '--quiet', '--end-of-options', ref], {
    okExitCodes: [0, 1, 128],
  });
  if (oid.exitCode !== 0) return { status: 'absent' };
  const object = oid.stdout.trim();
  const type = await git.run(['cat-file', '-t', object], { okExitCodes: [0, 1, 128] });
  const kind = type.stdout.trim();
  if (type.exitCode !== 0 || kind === '')
    return { status: 'bad', object, problem: `${ref} points at ${object}, which is not in this repository` };
  if (kind !== 'commit')
    return {
      status: 'bad',
      object,
      problem:
        ref === object
          ? `the ledger tip ${object} is a ${kind} object, not a ledger commit`
          : `${ref} points at a ${kind} object (${object}), not at a ledger commit`,
    };
  return { status: 'commit', commit: object };
}

/** The ledger as one entry naming what is wrong with it as a whole. */
function unreadable(commit: string, problem: string): LedgerEntry[] {
  return [{ commit, parents: [], record: null, raw: null, problem, whole: true }];
}

/** What is wrong with a ledger commit's tree, or null when it holds exactly one file, record.json. */
function treeProblem(tree: { type: string; data: Buffer } | null, idBytes: number): string | null {
  if (tree === null || tree.type !== 'tree') return `the commit's tree cannot be read`;
  const entries = treeEntries(tree.data, idBytes);
  const record = entries.find((entry) => entry.name === RECORD_FILE);
  if (record === undefined) return `no ${RECORD_FILE} in the commit`;
  if (record.mode !== '100644')
    return `${RECORD_FILE} is not a plain file (mode ${record.mode}${record.mode === '40000' ? ', a directory' : ''})`;
  const others = entries.filter((entry) => entry !== record).map((entry) => JSON.stringify(entry.name));
  if (others.length > 0) return `the commit holds ${others.join(', ')} besides ${RECORD_FILE}`;
  return null;
}

/** The ledger's commits, oldest first, with their records (one `cat-file --batch` for all). */
export async function readLedger(git: GitRunner, ref: string): Promise<LedgerEntry[]> {
  return readLedgerAt(git, await resolveLedgerTip(git, ref));
}

async function readLedgerAt(git: GitRunner, tip: LedgerTip): Promise<LedgerEntry[]> {
  if (tip.status === 'absent') return [];
  if (tip.status === 'bad') return unreadable(tip.object, tip.problem);
  const list = await git.run(['rev-list', '--reverse', '--parents', '--end-of-options', tip.commit], {
    okExitCodes: [0, 128],
  });
  if (list.exitCode !== 0) {
    // A parent is missing (a shallow or damaged copy): newest first, rev-list prints the commits whose
    // parents it could read, so the commit after the last one printed is the one whose parent is gone.
    const partial = await git.run(['rev-list', '--parents', '--end-of-options', tip.commit], {
      okExitCodes: [0, 128],
    });
    const last = partial.stdout.split('\n').filter(Boolean).at(-1)?.split(' ') ?? [];
    const broken = last.length > 1 ? (last.at(-1) ?? tip.commit) : tip.commit;
    return unreadable(
      broken,
      `the ledger's history is incomplete: a parent of commit ${broken} is missing from this repository`,
    );
  }
  const commits = list.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [commit = '', ...parents] = line.split(' ');
      return { commit, parents };
    });
  return readEntries(git, commits);
}

/** The records of these ledger commits: one buffered `cat-file --batch` for every tree and blob. */
async function readEntries(
  git: GitRunner,
  commits: ReadonlyArray<{ commit: string; parents: string[] }>,
): Promise<LedgerEntry[]> {
  if (commits.length === 0) return [];
  const idBytes = (commits[0]?.commit.length ?? 40) / 2;
  // Each commit's tree, then its record: `--buffer` lets git write in large blocks instead of flushing
  // after every object (two unbuffered calls cost ~230 ms on a 650-record ledger, mostly pipe reads).
  const objects = batchObjects(
    await git.runBytes(['cat-file', '--batch', '--buffer'], {
      input: `${commits.map((c) => `${c.commit}^{tree}\n${c.commit}:${RECORD_FILE}`).join('\n')}\n`,
    }),
    commits.length * 2,
  );
  const trees = objects.filter((_, index) => index % 2 === 0);
  const blobs = objects.filter((_, index) => index % 2 === 1);
  const problems = trees.map((tree) => treeProblem(tree, idBytes));
  return commits.map(({ commit, parents }, index): LedgerEntry => {
    const blob = blobs[index];
    const treeIssue = problems[index] ?? null;
    if (treeIssue !== null || blob === null || blob === undefined || blob.type !== 'blob') {
      const problem = treeIssue ?? `the ${RECORD_FILE} object is missing from this repository`;
      return { commit, parents, record: null, raw: null, problem };
    }
    const raw = blob.data.toString('utf8');
    let record: LedgerRecord | null = null;
    let problem: string | null = null;
    try {
      const parsed = recordSchema().safeParse(JSON.parse(raw));
      if (parsed.success) record = parsed.data;
      else
        problem = `malformed record: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(the record)'} ${i.message}`).join('; ')}`;
    } catch {
      problem = 'record is not JSON';
    }
    return { commit, parents, record, raw, problem };
  });
}

/**
 * The well-formed records, oldest first (what commands read; `verify` reports the rest). A ledger that
 * cannot be read at all (the ref is not a commit, its history is incomplete) stops the command: exit 4.
 * With `cache`, the records of an unchanged tip come from the cache (records-cache.ts).
 */
export async function readRecords(
  git: GitRunner,
  ref: string,
  cache?: { gitDir: string; version: string },
): Promise<LedgerRecord[]> {
  const tip = await resolveLedgerTip(git, ref);
  const key = cache === undefined || tip.status !== 'commit' ? null : { ...cache, ref, tip: tip.commit };
  return memoRecords(key, async () => {
    const entries = await readLedgerAt(git, tip);
    const whole = entries.find((entry) => entry.whole === true);
    if (whole !== undefined) throw unreadableLedger(ref, whole.problem ?? 'unreadable');
    return entries.flatMap((entry) => (entry.record === null ? [] : [entry.record]));
  });
}

function unreadableLedger(ref: string, problem: string): UserError {
  return new UserError(`the ledger cannot be read: ${problem}.`, {
    exitCode: EXIT.block,
    hint: `Run \`deployadvisor ledger verify\`; restore ${ref} from a remote or a bundle you trust.`,
  });
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
      // Position in the chain when the record cannot tell its own `seq`; null: the ledger as a whole.
      firstBad: {
        seq: entry.whole === true ? null : (entry.record?.seq ?? index + 1),
        commit: entry.commit,
        problem,
      },
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

/** The ref's tip commit and its record, or null for an empty ledger. */
export async function readTip(
  git: GitRunner,
  ref: string,
): Promise<{ commit: string; record: LedgerRecord } | null> {
  const tip = await resolveLedgerTip(git, ref);
  if (tip.status === 'absent') return null;
  if (tip.status === 'bad') throw unreadableLedger(ref, tip.problem);
  const commit = tip.commit;
  const [entry] = await readEntries(git, [{ commit, parents: [] }]);
  if (entry?.record === null || entry?.record === undefined) {
    throw new UserError(
      `the newest ledger record (${ref} at ${commit.slice(0, 12)}) is malformed, so nothing is appended to it.`,
      {
        exitCode: EXIT.block,
        hint: 'Run `deployadvisor ledger verify` to see what is wrong; restore the ref from a remote or a bundle.',
      },
    );
  }
  return { commit, record: entry.record };
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
  const clean = { ...redactDeep(body), nonce: body.nonce ?? randomBytes(16).toString('hex') };
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
