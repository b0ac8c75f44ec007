import { describe, expect, it } from 'vitest';
import { deploysFrom, type Deploy } from '../../src/assess/deploys.js';
import type { LedgerRecord } from '../../src/ledger/record.js';

let seq = 0;
/** A ledger record of commit `a`, `b`, ... (the letter repeated to 40 characters). */
function rec(
  type: LedgerRecord['type'],
  commit: string,
  at: string,
  extra: { env?: string; reason?: string; base?: string } = {},
): LedgerRecord {
  seq += 1;
  return {
    schema: 'deployadvisor.record/1',
    seq,
    id: seq.toString(16).padStart(64, '0'),
    prev: null,
    type,
    env: extra.env ?? 'production',
    sha: commit.repeat(40),
    base: extra.base === undefined ? null : extra.base.repeat(40),
    at,
    backfilled: false,
    recordedAt: at,
    actor: { name: 'a', email: 'a@example.com', ci: null },
    ciRunUrl: null,
    plan: null,
    planId: null,
    reason: extra.reason ?? null,
  };
}

/** The fields the cases check, with the commit as its letter. */
function brief(deploys: Deploy[]) {
  return deploys.map((d) => ({
    sha: d.sha[0],
    at: d.at,
    endedAt: d.endedAt,
    outcome: d.outcome,
    restoredAt: d.restoredAt,
  }));
}

const T = (hour: number, minute = 0) =>
  `2026-11-02T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z`;

interface Case {
  name: string;
  records: LedgerRecord[];
  expected: ReturnType<typeof brief>;
}

const cases: Case[] = [
  {
    name: 'started then succeeded is one deploy, dated by its start',
    records: [rec('started', 'a', T(10)), rec('succeeded', 'a', T(10, 20))],
    expected: [{ sha: 'a', at: T(10), endedAt: T(10, 20), outcome: 'succeeded', restoredAt: null }],
  },
  {
    name: 'succeeded without started is dated by its outcome',
    records: [rec('succeeded', 'a', T(10, 20))],
    expected: [{ sha: 'a', at: T(10, 20), endedAt: T(10, 20), outcome: 'succeeded', restoredAt: null }],
  },
  {
    name: 'failed then rolled back is one failed deploy, restored by the rollback',
    records: [
      rec('started', 'a', T(10)),
      rec('failed', 'a', T(10, 20)),
      rec('rolled-back', 'a', T(10, 35)),
      rec('succeeded', 'b', T(12)),
    ],
    expected: [
      { sha: 'a', at: T(10), endedAt: T(10, 20), outcome: 'failed', restoredAt: T(10, 35) },
      { sha: 'b', at: T(12), endedAt: T(12), outcome: 'succeeded', restoredAt: null },
    ],
  },
  {
    name: 'succeeded then rolled back becomes a rolled-back deploy',
    records: [rec('succeeded', 'a', T(10)), rec('rolled-back', 'a', T(11))],
    expected: [{ sha: 'a', at: T(10), endedAt: T(10), outcome: 'rolled-back', restoredAt: T(11) }],
  },
  {
    name: "failed without a rollback is restored by the next successful deploy's outcome",
    records: [
      rec('failed', 'a', T(10)),
      rec('failed', 'b', T(11)),
      rec('started', 'c', T(12)),
      rec('succeeded', 'c', T(12, 15)),
      rec('succeeded', 'd', T(13)),
    ],
    expected: [
      { sha: 'a', at: T(10), endedAt: T(10), outcome: 'failed', restoredAt: T(12, 15) },
      { sha: 'b', at: T(11), endedAt: T(11), outcome: 'failed', restoredAt: T(12, 15) },
      { sha: 'c', at: T(12), endedAt: T(12, 15), outcome: 'succeeded', restoredAt: null },
      { sha: 'd', at: T(13), endedAt: T(13), outcome: 'succeeded', restoredAt: null },
    ],
  },
  {
    name: 'failed with nothing after it stays unrestored',
    records: [rec('succeeded', 'a', T(9)), rec('failed', 'b', T(10))],
    expected: [
      { sha: 'a', at: T(9), endedAt: T(9), outcome: 'succeeded', restoredAt: null },
      { sha: 'b', at: T(10), endedAt: T(10), outcome: 'failed', restoredAt: null },
    ],
  },
  {
    name: 'a rollback the ledger has no deploy for stands alone',
    records: [rec('rolled-back', 'a', T(10))],
    expected: [{ sha: 'a', at: T(10), endedAt: T(10), outcome: 'rolled-back', restoredAt: T(10) }],
  },
  {
    name: 'a rollback marks the latest deploy of that commit, not an earlier one',
    records: [
      rec('succeeded', 'a', T(9)),
      rec('succeeded', 'b', T(10)),
      rec('succeeded', 'a', T(11)),
      rec('rolled-back', 'a', T(12)),
    ],
    expected: [
      { sha: 'a', at: T(9), endedAt: T(9), outcome: 'succeeded', restoredAt: null },
      { sha: 'b', at: T(10), endedAt: T(10), outcome: 'succeeded', restoredAt: null },
      { sha: 'a', at: T(11), endedAt: T(11), outcome: 'rolled-back', restoredAt: T(12) },
    ],
  },
  {
    name: 'other environments, plans and overrides are ignored',
    records: [
      rec('plan', 'a', T(9)),
      rec('override', 'a', T(9, 5)),
      rec('succeeded', 'a', T(10)),
      rec('failed', 'b', T(11), { env: 'staging' }),
      rec('rolled-back', 'a', T(11), { env: 'staging' }),
      rec('plan', 'c', T(12)),
    ],
    expected: [{ sha: 'a', at: T(10), endedAt: T(10), outcome: 'succeeded', restoredAt: null }],
  },
  {
    name: 'a started deploy without an outcome is not a deploy yet',
    records: [rec('succeeded', 'a', T(9)), rec('started', 'b', T(10))],
    expected: [{ sha: 'a', at: T(9), endedAt: T(9), outcome: 'succeeded', restoredAt: null }],
  },
];

describe('deploysFrom', () => {
  it.each(cases)('$name', ({ records, expected }) => {
    expect(brief(deploysFrom(records, 'production'))).toEqual(expected);
  });

  it('reads events in time order, whatever order the records come in', () => {
    const records = [
      rec('failed', 'a', T(10, 20)),
      rec('started', 'a', T(10)),
      rec('succeeded', 'b', T(12)),
      rec('rolled-back', 'a', T(10, 35)),
    ];
    expect(brief(deploysFrom([...records].reverse(), 'production'))).toEqual(
      brief(deploysFrom(records, 'production')),
    );
    expect(brief(deploysFrom(records, 'production'))).toEqual([
      { sha: 'a', at: T(10), endedAt: T(10, 20), outcome: 'failed', restoredAt: T(10, 35) },
      { sha: 'b', at: T(12), endedAt: T(12), outcome: 'succeeded', restoredAt: null },
    ]);
  });

  it('counts a failed-then-rolled-back deploy once, keeps the failure reason, and takes the base from started', () => {
    const deploys = deploysFrom(
      [
        rec('started', 'a', T(10), { base: 'f' }),
        rec('failed', 'a', T(10, 20), { reason: 'error rate up' }),
        rec('rolled-back', 'a', T(10, 35), { reason: 'rolled back by hand' }),
      ],
      'production',
    );
    expect(deploys).toEqual([
      {
        env: 'production',
        sha: 'a'.repeat(40),
        base: 'f'.repeat(40),
        at: T(10),
        endedAt: T(10, 20),
        outcome: 'failed',
        restoredAt: T(10, 35),
        reason: 'error rate up',
      },
    ]);
  });

  it('reads the other environment when asked', () => {
    const records = [rec('succeeded', 'a', T(10)), rec('failed', 'b', T(11), { env: 'staging' })];
    expect(brief(deploysFrom(records, 'staging'))).toEqual([
      { sha: 'b', at: T(11), endedAt: T(11), outcome: 'failed', restoredAt: null },
    ]);
  });
});
