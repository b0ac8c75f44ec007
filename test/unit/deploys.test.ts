import { describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/assess/context.js';
import { deployTraits, describeDeploys, type PastDeploy } from '../../src/assess/deploy-history.js';
import { deploysFrom, type Deploy } from '../../src/assess/deploys.js';
import type { CommitFacts } from '../../src/assess/facts.js';
import { findReverts } from '../../src/assess/reverts.js';
import { policySchema } from '../../src/config/schema.js';
import type { LedgerRecord } from '../../src/ledger/record.js';
import { letterRecord } from '../helpers/records.js';

const rec = letterRecord;

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
    name: 'a rollback of a commit never deployed, with nothing running, is ignored',
    records: [rec('rolled-back', 'a', T(10))],
    expected: [],
  },
  {
    name: 'a rollback of a commit never deployed rolls back the deploy running then',
    records: [
      rec('succeeded', 'a', T(9)),
      rec('succeeded', 'b', T(10)),
      rec('failed', 'c', T(10, 30)),
      rec('rolled-back', 'x', T(11)),
      rec('succeeded', 'd', T(12)),
    ],
    expected: [
      { sha: 'a', at: T(9), endedAt: T(9), outcome: 'succeeded', restoredAt: null },
      { sha: 'b', at: T(10), endedAt: T(10), outcome: 'rolled-back', restoredAt: T(11) },
      { sha: 'c', at: T(10, 30), endedAt: T(10, 30), outcome: 'failed', restoredAt: T(12) },
      { sha: 'd', at: T(12), endedAt: T(12), outcome: 'succeeded', restoredAt: null },
    ],
  },
  {
    name: 'two rollbacks of commits never deployed take the running deploys off one by one',
    records: [
      rec('succeeded', 'a', T(9)),
      rec('succeeded', 'b', T(10)),
      rec('rolled-back', 'x', T(11)),
      rec('rolled-back', 'y', T(11, 30)),
      rec('rolled-back', 'z', T(11, 45)),
    ],
    expected: [
      { sha: 'a', at: T(9), endedAt: T(9), outcome: 'rolled-back', restoredAt: T(11, 30) },
      { sha: 'b', at: T(10), endedAt: T(10), outcome: 'rolled-back', restoredAt: T(11) },
    ],
  },
  {
    name: 'a rollback of a commit never deployed skips a deploy already rolled back',
    records: [
      rec('succeeded', 'a', T(9)),
      rec('succeeded', 'b', T(10)),
      rec('rolled-back', 'b', T(11)),
      rec('rolled-back', 'x', T(12)),
    ],
    expected: [
      { sha: 'a', at: T(9), endedAt: T(9), outcome: 'rolled-back', restoredAt: T(12) },
      { sha: 'b', at: T(10), endedAt: T(10), outcome: 'rolled-back', restoredAt: T(11) },
    ],
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
    name: 'started then rolled back is a failed deploy of that commit, not of the one running before it',
    records: [
      rec('succeeded', 'a', T(9)),
      rec('started', 'b', T(10)),
      rec('rolled-back', 'b', T(10, 30)),
      rec('succeeded', 'c', T(12)),
    ],
    expected: [
      { sha: 'a', at: T(9), endedAt: T(9), outcome: 'succeeded', restoredAt: null },
      { sha: 'b', at: T(10), endedAt: T(10, 30), outcome: 'failed', restoredAt: T(10, 30) },
      { sha: 'c', at: T(12), endedAt: T(12), outcome: 'succeeded', restoredAt: null },
    ],
  },
  {
    name: 'started, failed, then rolled back stays one failure',
    records: [
      rec('succeeded', 'a', T(9)),
      rec('started', 'b', T(10)),
      rec('failed', 'b', T(10, 10)),
      rec('rolled-back', 'b', T(10, 30)),
    ],
    expected: [
      { sha: 'a', at: T(9), endedAt: T(9), outcome: 'succeeded', restoredAt: null },
      { sha: 'b', at: T(10), endedAt: T(10, 10), outcome: 'failed', restoredAt: T(10, 30) },
    ],
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

const POLICY = policySchema.parse({
  riskZones: [
    { name: 'payments', paths: ['src/pay/**'], risk: 'high' },
    { name: 'auth', paths: ['src/auth/**'], risk: 'high' },
  ],
});

/** Commit `a`, `b`, ... (the letter repeated to 40 characters) on top of `parent`, touching `path`. */
function commit(letter: string, parent: string | null, at: string, path: string, body = ''): CommitFacts {
  const person = { name: 'T', email: 't@example.com', date: at };
  return {
    sha: letter.repeat(40),
    parents: parent === null ? [] : [parent.repeat(40)],
    author: person,
    committer: person,
    subject: `change ${letter}`,
    body,
    trailers: [],
    files: [{ path, added: 10, deleted: 0 }],
  };
}

/** A revert of `target` (git's own message), on top of `parent`. */
function revert(letter: string, parent: string, at: string, target: string): CommitFacts {
  return commit(letter, parent, at, 'src/app.ts', `This reverts commit ${target.repeat(40)}.`);
}

function describe2(
  records: LedgerRecord[],
  commits: CommitFacts[],
  options: { baseline?: string | null; now?: string } = {},
) {
  return describeDeploys({
    deploys: deploysFrom(records, 'production'),
    commits,
    classifier: createClassifier(POLICY),
    timezone: 'UTC',
    reverts: findReverts(commits),
    baseline:
      options.baseline === undefined ? 'a'.repeat(40) : options.baseline && options.baseline.repeat(40),
    now: Date.parse(options.now ?? '2026-12-01T00:00:00Z'),
  });
}

/** What each deploy carried and how it ended, with commits as their letters. */
function carried(deploys: PastDeploy[]) {
  return deploys.map((d) => ({
    sha: d.deploy.sha[0],
    commits: d.commits.map((view) => view.commit.sha[0]).join(''),
    zones: d.row.zones,
    failedBy: d.row.failedBy,
    restoredHours: d.row.restoredHours,
  }));
}

const D = (day: number, hour = 10) =>
  `2026-11-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;

describe('describeDeploys', () => {
  it('a deploy that failed outright describes its commits but leaves them to the next deploy that takes', () => {
    const commits = [commit('a', null, D(1, 8), 'src/app.ts'), commit('b', 'a', D(2, 8), 'src/pay/p.ts')];
    const history = describe2(
      [
        rec('succeeded', 'a', D(1)),
        rec('failed', 'b', D(2), { reason: 'flaky' }),
        rec('succeeded', 'b', D(2, 13)),
      ],
      commits,
    );
    expect(carried(history.deploys)).toEqual([
      { sha: 'a', commits: 'a', zones: [], failedBy: null, restoredHours: null },
      { sha: 'b', commits: 'b', zones: ['payments'], failedBy: 'ledger', restoredHours: 3 },
      { sha: 'b', commits: 'b', zones: ['payments'], failedBy: null, restoredHours: null },
    ]);
    // The lead time of b runs to the deploy that took.
    expect(history.leadTimes.map((lead) => [lead.sha[0], lead.hours])).toEqual([['b', 5]]);
  });

  it('a deploy that failed outright takes nothing from the failures before it, and claims nothing itself', () => {
    const commits = [
      commit('a', null, D(1, 8), 'src/app.ts'),
      commit('b', 'a', D(2, 8), 'src/pay/p.ts'),
      commit('c', 'b', D(3, 8), 'src/auth/a.ts'),
    ];
    const history = describe2(
      [
        rec('succeeded', 'a', D(1)),
        rec('failed', 'b', D(2), { reason: 'x' }),
        rec('failed', 'c', D(3), { reason: 'x' }),
        rec('succeeded', 'c', D(4)),
      ],
      commits,
    );
    expect(carried(history.deploys).map((d) => d.commits)).toEqual(['a', 'b', 'cb', 'cb']);
  });

  it('a revert after a failed deploy marks the deploy that put the reverted change live', () => {
    const commits = [
      commit('a', null, D(1, 8), 'src/app.ts'),
      commit('b', 'a', D(2, 8), 'src/pay/p.ts'),
      commit('c', 'b', D(3, 8), 'src/app.ts'),
      revert('d', 'c', D(4, 8), 'b'),
    ];
    const history = describe2(
      [
        rec('succeeded', 'a', D(1)),
        rec('failed', 'b', D(2), { reason: 'deploy script timeout' }),
        rec('succeeded', 'c', D(3)),
        rec('succeeded', 'd', D(4)),
      ],
      commits,
    );
    expect(carried(history.deploys)).toEqual([
      { sha: 'a', commits: 'a', zones: [], failedBy: null, restoredHours: null },
      { sha: 'b', commits: 'b', zones: ['payments'], failedBy: 'ledger', restoredHours: 24 },
      { sha: 'c', commits: 'cb', zones: ['payments'], failedBy: 'revert', restoredHours: 24 },
      { sha: 'd', commits: 'd', zones: [], failedBy: null, restoredHours: null },
    ]);
  });

  it('counts only its own commit for the baseline deploy, and nothing for the deploys before it', () => {
    const commits = [
      commit('a', null, D(1, 8), 'src/pay/p.ts'),
      commit('b', 'a', D(2, 8), 'src/auth/a.ts'),
      commit('c', 'b', D(3, 8), 'src/pay/p.ts'),
    ];
    const history = describe2(
      [rec('succeeded', 'a', D(1)), rec('succeeded', 'b', D(2)), rec('succeeded', 'c', D(3))],
      commits,
      { baseline: 'b' },
    );
    expect(carried(history.deploys).map((d) => d.commits)).toEqual(['', 'b', 'c']);
    expect(history.leadTimes.map((lead) => lead.sha[0])).toEqual(['c']);
    // Without a baseline the first deploy ships everything behind it.
    const full = describe2(
      [rec('succeeded', 'a', D(1)), rec('succeeded', 'b', D(2)), rec('succeeded', 'c', D(3))],
      commits,
      { baseline: null },
    );
    expect(carried(full.deploys).map((d) => d.commits)).toEqual(['a', 'b', 'c']);
  });

  it('as of now: a revert or a restore after now is not known yet', () => {
    const commits = [
      commit('a', null, D(1, 8), 'src/app.ts'),
      commit('c', 'a', D(2, 8), 'src/pay/p.ts'),
      revert('d', 'c', D(5, 8), 'c'),
    ];
    const records = [
      rec('succeeded', 'a', D(1)),
      rec('succeeded', 'c', D(2)),
      rec('failed', 'b', D(3), { reason: 'x' }),
      rec('succeeded', 'd', D(5)),
    ];
    const later = describe2(records, commits, { now: D(8) });
    expect(carried(later.deploys).map((d) => [d.sha, d.failedBy, d.restoredHours])).toEqual([
      ['a', null, null],
      ['c', 'revert', 72],
      ['b', 'ledger', 48],
      ['d', null, null],
    ]);
    // The caller drops the records after now; even handed them, the revert and the restore are not known.
    const earlier = describe2(records, commits, { now: D(4) });
    expect(carried(earlier.deploys).map((d) => [d.sha, d.failedBy, d.restoredHours])).toEqual([
      ['a', null, null],
      ['c', null, null],
      ['b', 'ledger', null],
      ['d', null, null],
    ]);
  });
});

describe('deployTraits', () => {
  const past = (zones: string[]) =>
    ({ row: { zones, weekday: 'mon', hour: 10, aiShare: 0, linesChanged: 10 } }) as PastDeploy;

  it('breaks a tie between equally risky zones by name, as the plan ranks them, not by config order', () => {
    expect(deployTraits(past(['auth', 'payments']), POLICY.riskZones).zone).toBe('auth');
    expect(deployTraits(past(['payments']), POLICY.riskZones).zone).toBe('payments');
    expect(deployTraits(past([]), POLICY.riskZones).zone).toBeNull();
  });

  it('the riskier zone wins over the name', () => {
    const zones = policySchema.parse({
      riskZones: [
        { name: 'payments', paths: ['src/pay/**'], risk: 'critical' },
        { name: 'auth', paths: ['src/auth/**'], risk: 'high' },
      ],
    }).riskZones;
    expect(deployTraits(past(['auth', 'payments']), zones).zone).toBe('payments');
  });
});
