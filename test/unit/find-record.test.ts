import { describe, expect, it } from 'vitest';
import { findRecord } from '../../src/ledger/corrections.js';
import type { LedgerRecord } from '../../src/ledger/record.js';
import { letterRecord } from '../helpers/records.js';

// Record ids are hex, so about one in forty begins with eight decimal digits: such a prefix must still
// name its record, not be read as a record number that does not exist (a flaky CI failure on Node 24).

function ledger(ids: string[]): LedgerRecord[] {
  return ids.map((id, index) => ({
    ...letterRecord('succeeded', 'a', '2026-01-01T00:00:00Z'),
    seq: index + 1,
    id: id.padEnd(64, '0'),
  }));
}

describe('findRecord', () => {
  const records = ledger(['abcdef12', '12345678', '98765432']);

  it('takes a number as the record number, with or without #', () => {
    expect(findRecord(records, '2', '--x').id).toBe(records[1]?.id);
    expect(findRecord(records, '#3', '--x').id).toBe(records[2]?.id);
  });

  it('takes an id prefix of decimal digits as an id when no record has that number', () => {
    expect(findRecord(records, '12345678', '--x').seq).toBe(2);
    expect(findRecord(records, '987654', '--x').seq).toBe(3);
  });

  it('refuses what names both a record number and an id, and # forces the number', () => {
    const many = ledger(Array.from({ length: 123_457 }, (_, i) => (i === 0 ? '123456' : i.toString(16))));
    expect(() => findRecord(many, '123456', '--x')).toThrow(/both record #123456 and a record whose id/);
    expect(findRecord(many, '#123456', '--x').seq).toBe(123_456);
  });

  it('names a number that is no record and no id', () => {
    expect(() => findRecord(records, '55555555', '--x')).toThrow(/no record #55555555/);
    expect(() => findRecord(records, '7', '--x')).toThrow(/no record #7/);
  });
});
