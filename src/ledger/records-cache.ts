import { readKeyed, writeKeyed } from '../collect/keyed-cache.js';
import type { LedgerRecord } from './record.js';

/**
 * The records of a ledger tip, as `readRecords` last read them, under `<git-dir>/deployadvisor/`. A
 * commit id names its whole history, so the same tip has the same records: a plan between two appends
 * (or between two deploys) skips reading and checking every record again. The tool's build (version
 * and source digest, version.ts BUILD) is part of the key: another build may read records differently. Deleting it only costs time; `ledger verify`
 * never reads it.
 */
const RECORDS_CACHE = 'ledger-records-v2.json';

interface RecordsCacheKey {
  gitDir: string;
  /** version.ts BUILD. */
  version: string;
  ref: string;
  tip: string;
}

/** The cached records of the key's tip, else `read()`'s, cached for next time (no key: no cache). */
export async function memoRecords(
  key: RecordsCacheKey | null,
  read: () => Promise<LedgerRecord[]>,
): Promise<LedgerRecord[]> {
  if (key === null) return read();
  const { gitDir, ...fields } = key;
  const cached = await readKeyed(gitDir, RECORDS_CACHE, fields);
  if (Array.isArray(cached)) return cached as LedgerRecord[];
  const records = await read();
  await writeKeyed(gitDir, RECORDS_CACHE, fields, records);
  return records;
}
