import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LedgerRecord } from './record.js';

/**
 * The records of a ledger tip, as `readRecords` last read them, under `<git-dir>/deployadvisor/`. A
 * commit id names its whole history, so the same tip has the same records: a plan between two appends
 * (or between two deploys) skips reading and checking every record again. Deleting it only costs time;
 * `ledger verify` never reads it.
 */
const RECORDS_CACHE = 'ledger-records-v1.json';

interface RecordsCacheKey {
  gitDir: string;
  /** The tool's version: another version may read records differently (its schema strips or adds). */
  version: string;
  ref: string;
  tip: string;
}

async function cachedRecords(key: RecordsCacheKey): Promise<LedgerRecord[] | null> {
  try {
    const text = await readFile(join(key.gitDir, 'deployadvisor', RECORDS_CACHE), 'utf8');
    const cache = JSON.parse(text) as { version?: unknown; ref?: unknown; tip?: unknown; records?: unknown };
    return cache.version === key.version &&
      cache.ref === key.ref &&
      cache.tip === key.tip &&
      Array.isArray(cache.records)
      ? (cache.records as LedgerRecord[])
      : null;
  } catch {
    return null;
  }
}

/** Written whole and renamed into place: a reader never sees half a file. Read-only: nothing to do. */
async function cacheRecords(key: RecordsCacheKey, records: readonly LedgerRecord[]): Promise<void> {
  const dir = join(key.gitDir, 'deployadvisor');
  const file = join(dir, RECORDS_CACHE);
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(temporary, JSON.stringify({ version: key.version, ref: key.ref, tip: key.tip, records }));
    await rename(temporary, file);
  } catch {
    await rm(temporary, { force: true }).catch(() => {});
  }
}

/** The cached records of the key's tip, else `read()`'s, cached for next time (no key: no cache). */
export async function memoRecords(
  key: RecordsCacheKey | null,
  read: () => Promise<LedgerRecord[]>,
): Promise<LedgerRecord[]> {
  const cached = key === null ? null : await cachedRecords(key);
  if (cached !== null) return cached;
  const records = await read();
  if (key !== null) await cacheRecords(key, records);
  return records;
}
