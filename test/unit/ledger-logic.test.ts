import { describe, expect, it } from 'vitest';
import { lastSucceeded } from '../../src/ledger/queries.js';
import { redact, type LedgerRecord } from '../../src/ledger/record.js';

let seq = 0;
function rec(type: LedgerRecord['type'], sha: string, at: string, env = 'production'): LedgerRecord {
  seq += 1;
  return {
    schema: 'deployadvisor.record/1',
    seq,
    id: seq.toString(16).padStart(64, '0'),
    prev: null,
    type,
    env,
    sha: sha.repeat(40).slice(0, 40),
    base: null,
    at,
    backfilled: false,
    recordedAt: at,
    actor: { name: 'a', email: 'a@example.com', ci: null },
    ciRunUrl: null,
    plan: null,
    planId: null,
    reason: null,
  };
}

describe('what runs in an environment now', () => {
  it('the newest success wins; a rollback returns to the deploy before it; failures change nothing', () => {
    const records = [
      rec('succeeded', 'a', '2026-11-01T10:00:00Z'),
      rec('succeeded', 'b', '2026-11-02T10:00:00Z'),
      rec('succeeded', 'c', '2026-11-03T10:00:00Z'),
      rec('failed', 'd', '2026-11-04T10:00:00Z'),
      rec('succeeded', 'x', '2026-11-04T10:00:00Z', 'staging'),
    ];
    expect(lastSucceeded(records, 'production')?.sha[0]).toBe('c');
    records.push(rec('rolled-back', 'c', '2026-11-05T10:00:00Z'));
    expect(lastSucceeded(records, 'production')?.sha[0]).toBe('b');
    expect(lastSucceeded(records, 'production', '2026-11-03T12:00:00Z')?.sha[0]).toBe('c');
    expect(lastSucceeded(records, 'production', undefined, 'b'.repeat(40))?.sha[0]).toBe('a');
    expect(lastSucceeded(records, 'staging')?.sha[0]).toBe('x');
    expect(lastSucceeded(records, 'dev')).toBeNull();
  });
});

describe('redaction', () => {
  it.each([
    ['ghp_abcdefghijklmnopqrstuvwxyz0123', '[redacted]'],
    ['github_pat_11ABCDEFG0123456789_abcdefghijklmnop', '[redacted]'],
    ['glpat-abcdefghijklmnopqrst', '[redacted]'],
    ['Authorization: Bearer abc.def-ghi_jkl', 'Authorization: Bearer [redacted]'],
    ['password=hunter2 and more', 'password=[redacted] and more'],
    [
      'https://gitlab.example.com/api?private_token=abc123',
      'https://gitlab.example.com/api?private_token=[redacted]',
    ],
    ['sk-proj-abcdefghijklmnopqrstuvwx', '[redacted]'],
    ['npm_abcdefghijklmnopqrstuvwxyz0123456789', '[redacted]'],
    ['aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws_secret_access_key=[redacted]'],
    ['https://user:s3cret@example.com/x', 'https://user:[redacted]@example.com/x'],
    ['error rate 4% after deploy of a1b2c3', 'error rate 4% after deploy of a1b2c3'],
  ])('%s', (input, output) => {
    expect(redact(input)).toBe(output);
  });
});
