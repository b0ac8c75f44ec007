import { describe, expect, it } from 'vitest';
import {
  findReverts,
  isRevert,
  RevertMatcher,
  type RevertCandidate,
  type RevertLink,
} from '../../src/assess/reverts.js';

/** A 40-hex commit id that starts with the (hex) label, so the table can say which commit is which. */
function sha(label: string): string {
  return label.padEnd(40, '0');
}

let minute = 0;
/** Commits in the order written: oldest first, one minute apart. */
function commit(label: string, subject: string, body = ''): RevertCandidate {
  minute += 1;
  const date = new Date(Date.parse('2026-03-02T09:00:00Z') + minute * 60_000).toISOString();
  return { sha: sha(label), subject, body, committer: { date: date.replace('.000Z', 'Z') } };
}

/** Runs the matcher over `history` (oldest first) the way git log reads it: newest first. */
function links(history: readonly RevertCandidate[]): Array<[string, string, RevertLink['how']]> {
  const matcher = new RevertMatcher();
  const found: Array<[string, string, RevertLink['how']]> = [];
  for (const c of [...history].reverse()) {
    const link = matcher.observe(c);
    if (link !== null) found.push([link.reverted.slice(0, 4), link.by.slice(0, 4), link.how]);
  }
  return found;
}

interface Case {
  name: string;
  history: RevertCandidate[];
  /** [reverted, by, how], newest reverted first, by the first four hex digits of each id. */
  expected: Array<[string, string, RevertLink['how']]>;
}

const cases: Case[] = [
  {
    name: "git's `This reverts commit <40-hex>.`",
    history: [
      commit('a001', 'Add cache'),
      commit('b001', 'Unrelated'),
      commit('c001', 'Undo the cache', `This reverts commit ${sha('a001')}.`),
    ],
    expected: [['a001', 'c001', 'sha']],
  },
  {
    name: 'a 7-character abbreviation',
    history: [
      commit('a0021ee', 'Add cache'),
      commit('c002', 'Undo the cache', 'This reverts commit a0021ee.'),
    ],
    expected: [['a002', 'c002', 'sha']],
  },
  {
    name: 'fewer than 7 hex digits are not a commit id',
    history: [commit('a0031e', 'Add cache'), commit('c003', 'Undo the cache', 'This reverts commit a0031e.')],
    expected: [],
  },
  {
    name: 'one revert body naming two commits links both',
    history: [
      commit('a004', 'One'),
      commit('a104', 'Two'),
      commit('c004', 'Undo both', `This reverts commit ${sha('a004')}.\nThis reverts commit ${sha('a104')}.`),
    ],
    expected: [
      ['a104', 'c004', 'sha'],
      ['a004', 'c004', 'sha'],
    ],
  },
  {
    name: '`Revert "subject"` links the newest older commit with that subject, and only that one',
    history: [
      commit('a005', 'fix totals'),
      commit('a105', 'fix totals'),
      commit('c005', 'Revert "fix totals"'),
    ],
    expected: [['a105', 'c005', 'subject']],
  },
  {
    name: 'two reverts of one subject, each after its own commit, link one each',
    history: [
      commit('a006', 'fix totals'),
      commit('c006', 'Revert "fix totals"'),
      commit('a106', 'fix totals'),
      commit('c106', 'Revert "fix totals"'),
    ],
    expected: [
      ['a106', 'c106', 'subject'],
      ['a006', 'c006', 'subject'],
    ],
  },
  {
    name: 'the sha in the body wins over the subject (it names the older duplicate)',
    history: [
      commit('a007', 'fix totals'),
      commit('a107', 'fix totals'),
      commit('c007', 'Revert "fix totals"', `This reverts commit ${sha('a007')}.`),
    ],
    expected: [['a007', 'c007', 'sha']],
  },
  {
    name: 'a squash merge reverted by a squashed `Revert "Title (#123)" (#130)` matches by subject',
    history: [commit('a008', 'Add retries (#123)'), commit('c008', 'Revert "Add retries (#123)" (#130)')],
    expected: [['a008', 'c008', 'subject']],
  },
  {
    name: 'the same when the quoted title differs from the squash subject: the PR number links them',
    history: [
      commit('a009', 'Add retries to the client (#123)'),
      commit('b009', 'Other work (#124)'),
      commit('c009', 'Revert "Add retries (#123)" (#130)'),
    ],
    expected: [['a009', 'c009', 'pull-request']],
  },
  {
    name: '`Reverts owner/repo#123` in the body of a `Revert ...` commit whose subject quotes nothing',
    history: [
      commit('a010', 'Add retries (#123)'),
      commit('c010', 'Revert retries (#130)', 'Reverts acme/shop#123'),
    ],
    expected: [['a010', 'c010', 'pull-request']],
  },
  {
    name: '`Reverts owner/repo#123` in a commit that is not a revert links nothing',
    history: [commit('a011', 'Add retries (#123)'), commit('c011', 'Docs (#131)', 'Reverts acme/shop#123')],
    expected: [],
  },
  {
    name: 'a revert naming a commit not in the list links nothing and leaves other links alone',
    history: [
      commit('a012', 'Add cache'),
      commit('c012', 'Revert "Lost work"', `This reverts commit ${sha('f012')}.`),
      commit('c112', 'Revert "Gone too"'),
    ],
    expected: [],
  },
  {
    name: 'a revert of a revert: the first revert is reverted, and it still reverted the original',
    history: [
      commit('a013', 'Add cache'),
      commit('b013', 'Revert "Add cache"', `This reverts commit ${sha('a013')}.`),
      commit('c013', 'Revert "Revert "Add cache""', `This reverts commit ${sha('b013')}.`),
    ],
    expected: [
      ['b013', 'c013', 'sha'],
      ['a013', 'b013', 'sha'],
    ],
  },
  {
    name: 'a revert of a revert by subject alone (GitHub nests the quotes)',
    history: [
      commit('a014', 'Add cache'),
      commit('b014', 'Revert "Add cache"'),
      commit('c014', 'Revert "Revert "Add cache""'),
    ],
    expected: [
      ['b014', 'c014', 'subject'],
      ['a014', 'b014', 'subject'],
    ],
  },
  {
    name: 'a conventional `revert: <subject> (#new)` links the commit with that subject',
    history: [commit('a016', 'fix totals'), commit('c016', 'revert: fix totals (#131)')],
    expected: [['a016', 'c016', 'subject']],
  },
  {
    name: 'a conventional revert quoting a squash subject: `revert(api): "fix: x (#1)" (#2)`',
    history: [commit('a017', 'fix: x (#1)'), commit('c017', 'revert(api): "fix: x (#1)" (#2)')],
    expected: [['a017', 'c017', 'subject']],
  },
  {
    name: 'a revert used up by its squash target does not also label an older commit titled without the number',
    history: [
      commit('a018', 'Add retries'),
      commit('a118', 'Add retries (#123)'),
      commit('c018', 'Revert "Add retries (#123)" (#130)'),
    ],
    expected: [['a118', 'c018', 'subject']],
  },
  {
    name: 'a revert written before its target (clock skew) cannot link it',
    history: [commit('c015', 'Revert "Add cache"'), commit('a015', 'Add cache')],
    expected: [],
  },
];

describe('RevertMatcher (commits read newest first)', () => {
  it.each(cases)('$name', ({ history, expected }) => {
    expect(links(history)).toEqual(expected);
  });

  it("dates each link with the revert's committer date", () => {
    const target = commit('a101', 'Add cache');
    const revert = commit('c101', 'Revert "Add cache"');
    const matcher = new RevertMatcher();
    expect(matcher.observe(revert)).toBeNull();
    expect(matcher.observe(target)).toEqual({
      reverted: target.sha,
      by: revert.sha,
      at: revert.committer.date,
      how: 'subject',
    });
  });

  // GitHub's revert button titles the pull request `Revert "<title>"` (no number) and writes
  // `Reverts owner/repo#123` in its body; squash-merged, that is the commit below. The subject form
  // returns before the body is read, and "Add retries" never equals "Add retries (#123)", so nothing links.
  it('links a squashed GitHub revert-button commit by its `Reverts owner/repo#123` body', () => {
    const history = [
      commit('a102', 'Add retries (#123)'),
      commit('c102', 'Revert "Add retries" (#130)', 'Reverts acme/shop#123'),
    ];
    expect(links(history)).toEqual([['a102', 'c102', 'pull-request']]);
  });

  // A revert used up by its target leaves its other names pending, and an older revert of the same
  // subject is not remembered while they are: below, c103 used `Add retries` up on a203, so c203's
  // `Revert "Add retries"` is dropped and a103 stays unlabelled.
  it('an older revert of a subject is not shadowed by a newer revert that is already used up', () => {
    const history = [
      commit('a103', 'Add retries'),
      commit('c103', 'Revert "Add retries"'),
      commit('a203', 'Add retries (#123)'),
      commit('c203', 'Revert "Add retries (#123)" (#130)'),
    ];
    expect(links(history)).toEqual([
      ['a203', 'c203', 'subject'],
      ['a103', 'c103', 'subject'],
    ]);
  });
});

describe('findReverts', () => {
  // One history with every kind of link and distinct subjects (the cases above reuse subjects).
  const history = [
    commit('d001', 'Add cache'),
    commit('d002', 'fix totals'),
    commit('d003', 'fix totals'),
    commit('d004', 'Add retries to the client (#123)'),
    commit('d005', 'Revert "fix totals"'),
    commit('d006', 'Undo the cache', 'This reverts commit d001000.'),
    commit('d007', 'Revert "Add retries (#123)" (#130)'),
    commit('d008', 'Add search (#140)'),
    commit('d009', 'Revert search (#141)', 'Reverts acme/shop#140'),
    commit('d00a', 'Revert "Revert "fix totals""', `This reverts commit ${sha('d005')}.`),
    commit('d00b', 'Revert "Lost work"', `This reverts commit ${sha('f00b')}.`),
  ];
  const expected = new Map([
    ['d001', { by: 'd006', how: 'sha' }],
    ['d003', { by: 'd005', how: 'subject' }],
    ['d004', { by: 'd007', how: 'pull-request' }],
    ['d005', { by: 'd00a', how: 'sha' }],
    ['d008', { by: 'd009', how: 'pull-request' }],
  ]);
  const summary = (found: Map<string, RevertLink>) =>
    new Map(
      [...found.values()].map((link) => [
        link.reverted.slice(0, 4),
        { by: link.by.slice(0, 4), how: link.how },
      ]),
    );

  /** Deterministic permutations: as written, reversed, interleaved, rotated. */
  const orders: Array<[string, RevertCandidate[]]> = [
    ['oldest first', history],
    ['newest first', [...history].reverse()],
    ['odd then even', [...history.filter((_, i) => i % 2 === 1), ...history.filter((_, i) => i % 2 === 0)]],
    ['rotated by 4', [...history.slice(4), ...history.slice(0, 4)]],
  ];

  it.each(orders)('gives the same links whatever the input order (%s)', (_, commits) => {
    const found = findReverts(commits);
    expect(summary(found)).toEqual(expected);
    for (const [key, link] of found) expect(key).toBe(link.reverted);
  });
});

describe('isRevert', () => {
  it.each([
    ['Revert "Add cache"', '', true],
    ['Undo the cache', `This reverts commit ${sha('a1')}.`, true],
    ['Undo the cache', 'This reverts commit a0021ee.', true],
    ['Undo the cache', 'This reverts commit a0021e.', false],
    ['Reverted the cache', '', false],
    ['revert: fix totals (#131)', '', true],
    ['revert(api)!: "fix: x (#1)" (#2)', '', true],
    ['Fix the revert button', '', false],
    ['Docs', 'Reverts acme/shop#123', false],
  ])('%j with body %j → %s', (subject, body, expected) => {
    expect(isRevert({ subject, body })).toBe(expected);
  });
});
