import { EXIT, UserError } from '../errors.js';
import type { LedgerRecord } from './record.js';

/** How a record stands: in effect, voided, or replaced by a correcting record. */
export type RecordStanding =
  | { status: 'in-effect' }
  | { status: 'voided'; by: LedgerRecord }
  | { status: 'corrected'; by: LedgerRecord };

/**
 * For every record some later record names in `corrects`, the newest such record (by `seq`): it
 * decides. Two clones correcting the same record both keep their records after a sync; the newest wins.
 */
function correctionsByTarget(records: readonly LedgerRecord[]): Map<string, LedgerRecord> {
  const out = new Map<string, LedgerRecord>();
  for (const record of records) {
    if (record.corrects === undefined) continue;
    const known = out.get(record.corrects);
    if (known === undefined || known.seq < record.seq) out.set(record.corrects, record);
  }
  return out;
}

/** Each record's standing: what `ledger list` and `explain` mark. */
export function standings(records: readonly LedgerRecord[]): Map<string, RecordStanding> {
  const byTarget = correctionsByTarget(records);
  const superseded = new Set(
    records.filter((r) => r.corrects !== undefined && byTarget.get(r.corrects) !== r).map((r) => r.id),
  );
  return new Map(
    records.map((record): [string, RecordStanding] => {
      const by = byTarget.get(record.id);
      if (by !== undefined) return [record.id, { status: by.type === 'void' ? 'voided' : 'corrected', by }];
      // A correction outdone by a newer one for the same record is out of effect as well.
      if (superseded.has(record.id)) {
        const newer = byTarget.get(record.corrects ?? '');
        if (newer !== undefined) return [record.id, { status: 'corrected', by: newer }];
      }
      return [record.id, { status: 'in-effect' }];
    }),
  );
}

/**
 * The records every reader of the ledger takes as what happened: without `void` records, without the
 * records they void, and with each corrected record replaced by the one correcting it (which keeps its
 * own place: readers order events by `at`). Oldest first, as given.
 */
export function inEffect(records: readonly LedgerRecord[]): LedgerRecord[] {
  const standing = standings(records);
  return records.filter((r) => r.type !== 'void' && standing.get(r.id)?.status === 'in-effect');
}

/**
 * The record `ref` names: `#12` or `12` (its number in `ledger list`), or a prefix of its id (at least
 * 6 hex digits, unique; bare digits that are no record's number are tried as one). An unknown or
 * ambiguous one is an error naming it (exit 2).
 */
export function findRecord(records: readonly LedgerRecord[], ref: string, option: string): LedgerRecord {
  const text = ref.trim();
  const seq = /^#?(\d+)$/.exec(text);
  // Bare digits may also begin an id (ids are hex; one in forty starts with eight decimal digits).
  const byId =
    seq !== null && !text.startsWith('#') && text.length >= 6
      ? records.filter((r) => r.id.startsWith(text))
      : [];
  if (seq !== null) {
    const found = records.find((r) => r.seq === Number(seq[1]));
    if (found !== undefined && byId.length > 0) {
      throw new UserError(
        `${option} ${ref}: both record #${seq[1]} and a record whose id starts with ${text} match; write #${seq[1]} for the number or more of the id.`,
        { exitCode: EXIT.usage },
      );
    }
    if (found !== undefined) return found;
    if (byId.length === 1 && byId[0] !== undefined) return byId[0];
    throw new UserError(
      `${option} ${ref}: no record #${seq[1]} in the ledger (it has ${records.length} record(s)).`,
      { exitCode: EXIT.usage, hint: 'Run `deployadvisor ledger list` to see the records and their numbers.' },
    );
  }
  if (!/^[0-9a-f]{6,64}$/i.test(text)) {
    throw new UserError(
      `${option} ${ref}: expected a record number (#12) or an id prefix of at least 6 hex digits.`,
    );
  }
  const matches = records.filter((r) => r.id.startsWith(text.toLowerCase()));
  if (matches.length === 1 && matches[0] !== undefined) return matches[0];
  throw new UserError(
    matches.length === 0
      ? `${option} ${ref}: no record with that id in the ledger.`
      : `${option} ${ref}: ${matches.length} records have ids starting with it (${matches.map((r) => `#${r.seq}`).join(', ')}); give more of the id.`,
    { hint: 'Run `deployadvisor ledger list --format json` to see the ids.' },
  );
}

/** Refuses a correction of a record that is a void, or that a later record already voided or corrected. */
export function assertCorrectable(
  records: readonly LedgerRecord[],
  target: LedgerRecord,
  option: string,
): void {
  if (target.type === 'void') {
    throw new UserError(
      `${option} #${target.seq}: that record is itself a void (of ${target.corrects === undefined ? 'nothing' : `the record ${target.corrects.slice(0, 12)}`}); a void cannot be voided or corrected.`,
      { hint: 'To put a voided event back, record it again.' },
    );
  }
  const standing = standings(records).get(target.id);
  if (standing !== undefined && standing.status !== 'in-effect') {
    throw new UserError(
      `${option} #${target.seq}: that record was already ${standing.status} by #${standing.by.seq}.`,
      {
        hint:
          standing.status === 'corrected'
            ? `Correct or void #${standing.by.seq} instead.`
            : 'To put a voided event back, record it again.',
      },
    );
  }
}
