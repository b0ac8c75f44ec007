import type { LedgerRecord, RecordBody } from '../../src/ledger/record.js';

export interface EventExtra {
  env?: string;
  base?: string | null;
  reason?: string | null;
}

/** A deploy event as `record` would write it (backfilled), before the ledger numbers and chains it. */
export function deployEvent(
  type: RecordBody['type'],
  sha: string,
  at: string,
  extra: EventExtra = {},
): RecordBody {
  return {
    schema: 'deployadvisor.record/1',
    type,
    env: extra.env ?? 'production',
    sha,
    base: extra.base ?? null,
    at,
    backfilled: true,
    recordedAt: at,
    actor: { name: 'T', email: 't@example.com', ci: null },
    ciRunUrl: null,
    plan: null,
    planId: null,
    reason:
      extra.reason === undefined
        ? type === 'failed' || type === 'rolled-back'
          ? 'it broke'
          : null
        : extra.reason,
  };
}

let seq = 0;
/**
 * A numbered record for pure ledger logic, of commit `a`, `b`, ... (the letter repeated to 40
 * characters; so is `base`). The chain fields are placeholders: nothing here verifies them.
 */
export function letterRecord(
  type: LedgerRecord['type'],
  letter: string,
  at: string,
  extra: EventExtra = {},
): LedgerRecord {
  seq += 1;
  const base = extra.base === undefined || extra.base === null ? null : extra.base.repeat(40).slice(0, 40);
  return {
    ...deployEvent(type, letter.repeat(40).slice(0, 40), at, { ...extra, base }),
    seq,
    id: seq.toString(16).padStart(64, '0'),
    prev: null,
  };
}
