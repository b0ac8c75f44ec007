import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lastSucceeded, sinceInstant } from '../../src/ledger/queries.js';
import { redact, type LedgerRecord } from '../../src/ledger/record.js';
import { letterRecord } from '../helpers/records.js';

const rec = (type: LedgerRecord['type'], sha: string, at: string, env = 'production') =>
  letterRecord(type, sha, at, { env });

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

  it('a rollback naming a commit that never ran here rolls back the running deploy (as insights counts it)', () => {
    const records = [
      rec('succeeded', 'a', '2026-11-01T10:00:00Z'),
      rec('succeeded', 'b', '2026-11-02T10:00:00Z'),
      rec('rolled-back', 'e', '2026-11-03T10:00:00Z'),
    ];
    expect(lastSucceeded(records, 'production')?.sha[0]).toBe('a');
    // An event about `e` itself does not count its own rollback against the others.
    expect(lastSucceeded(records, 'production', undefined, 'e'.repeat(40))?.sha[0]).toBe('b');
    // A failed deploy rolled back is about that deploy: what ran before it still runs.
    const failedThenRolledBack = [
      rec('succeeded', 'a', '2026-11-01T10:00:00Z'),
      rec('failed', 'f', '2026-11-02T10:00:00Z'),
      rec('rolled-back', 'f', '2026-11-02T10:30:00Z'),
    ];
    expect(lastSucceeded(failedThenRolledBack, 'production')?.sha[0]).toBe('a');
    // So is a started deploy rolled back before any outcome: the one before it runs.
    const startedThenRolledBack = [
      rec('succeeded', 'a', '2026-11-01T10:00:00Z'),
      rec('started', 's', '2026-11-02T10:00:00Z'),
      rec('rolled-back', 's', '2026-11-02T10:30:00Z'),
    ];
    expect(lastSucceeded(startedThenRolledBack, 'production')?.sha[0]).toBe('a');
  });
});

describe('--since', () => {
  const NOW = Date.parse('2026-11-23T10:00:00Z');
  const LA = 'America/Los_Angeles';

  it.each([
    ['90d', '2026-08-25T10:00:00.000Z'],
    ['12w', '2026-08-31T10:00:00.000Z'],
    ['48h', '2026-11-21T10:00:00.000Z'],
    ['36500d', new Date(NOW - 36_500 * 86_400_000).toISOString()],
    ['5214w', new Date(NOW - 5_214 * 7 * 86_400_000).toISOString()],
    ['876000h', new Date(NOW - 876_000 * 3_600_000).toISOString()],
    // A date or date-time without an offset is wall-clock time in the policy's zone.
    ['2026-01-01', '2026-01-01T08:00:00.000Z'],
    ['2026-07-01T09:30', '2026-07-01T16:30:00.000Z'],
    ['2026-07-01T09:30:00Z', '2026-07-01T09:30:00.000Z'],
    ['2026-07-01T09:30:00+02:00', '2026-07-01T07:30:00.000Z'],
  ])('%s is %s', (text, iso) => {
    expect(sinceInstant(text, NOW, LA)).toEqual({ status: 'ok', iso });
  });

  it('reads a date without an offset in the zone it is given', () => {
    expect(sinceInstant('2026-01-01', NOW, 'UTC')).toEqual({ status: 'ok', iso: '2026-01-01T00:00:00.000Z' });
    expect(sinceInstant('2026-01-01', NOW, 'Asia/Tokyo')).toEqual({
      status: 'ok',
      iso: '2025-12-31T15:00:00.000Z',
    });
  });

  it.each([
    ['36501d', 'd'],
    ['5215w', 'w'],
    ['876001h', 'h'],
    ['99999999999999999999999d', 'd'],
  ])('%s is too long a duration', (text, unit) => {
    expect(sinceInstant(text, NOW, LA)).toEqual({ status: 'too-long', unit });
  });

  it.each([
    'yesterday',
    '',
    '90',
    'd',
    '-5d',
    '1.5w',
    '2026-13-01',
    '+275760-09-14',
    '-271822-01-01',
    'Jan 1 2026',
  ])('%j is not understood', (text) => {
    expect(sinceInstant(text, NOW, LA)).toEqual({ status: 'invalid' });
  });

  it('a start before the dates JavaScript can represent is out of range', () => {
    expect(sinceInstant('100d', -8.64e15, LA)).toEqual({ status: 'out-of-range' });
    expect(sinceInstant('1h', -8.64e15 + 3_600_000, LA)).toEqual({
      status: 'ok',
      iso: new Date(-8.64e15).toISOString(),
    });
  });

  it('never throws, and an ok answer is always a valid instant', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.tuple(fc.nat(), fc.constantFrom('h', 'd', 'w')).map(([n, unit]) => `${n}${unit}`),
          fc.date({ noInvalidDate: true }).map((date) => date.toISOString().slice(0, 16)),
        ),
        fc.integer({ min: -8.64e15, max: 8.64e15 }),
        (text, now) => {
          const since = sinceInstant(text, now, LA);
          if (since.status === 'ok') expect(Number.isNaN(Date.parse(since.iso))).toBe(false);
        },
      ),
    );
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
