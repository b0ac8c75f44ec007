import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/ledger/record.js';
import { writeLedger } from '../helpers/history.js';
import { deployEvent } from '../helpers/records.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

// Every way a ledger ref or a ledger commit can be wrong that we could think of. Each is a named
// integrity failure (exit 4) naming the ref or the record, never "OK" and never an internal error.

const REF = 'refs/deployadvisor/ledger';
let repo: TestRepo;
let good: string[] = [];

function git(args: string[], input?: string): string {
  return execFileSync('git', ['-C', repo.dir, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    ...(input === undefined ? {} : { input }),
  }).trim();
}

const blob = (text: string) => git(['hash-object', '-w', '--stdin'], text);
const tree = (entries: Array<[mode: string, type: string, id: string, name: string]>) =>
  git(['mktree'], entries.map(([mode, type, id, name]) => `${mode} ${type} ${id}\t${name}\n`).join(''));
const commit = (treeId: string, ...parents: string[]) =>
  git([
    '-c',
    'user.name=x',
    '-c',
    'user.email=x@x',
    'commit-tree',
    treeId,
    ...parents.flatMap((p) => ['-p', p]),
    '-m',
    'x',
  ]);
/** A ledger commit on top of the good chain whose tree is `treeId`. */
const onTop = (treeId: string) => commit(treeId, good[1] ?? '');
/** The third record, well formed and correctly chained, as text. */
function thirdRecord(): string {
  return git(['cat-file', 'blob', `${good[1] ?? ''}:record.json`]).replace('"seq":2', '"seq":3');
}
function looseObjectPath(id: string): string {
  return join(repo.dir, '.git', 'objects', id.slice(0, 2), id.slice(2));
}

beforeAll(() => {
  repo = makeRepo('da-ledger-corrupt-');
  repo.write('.deployadvisor.yml', 'version: 1\ntimezone: UTC\n');
  const sha = repo.commit('one', { date: '2026-01-05T10:00:00Z' });
  writeLedger(repo, [
    deployEvent('succeeded', sha, '2026-01-05T12:00:00Z'),
    deployEvent('succeeded', sha, '2026-01-06T12:00:00Z', { base: sha }),
  ]);
  good = git(['rev-list', '--reverse', REF]).split('\n');
});

afterAll(() => {
  repo.cleanup();
});

/** Points the ledger ref at `target` (any object id, even one that does not exist). */
function pointAt(target: string): void {
  mkdirSync(join(repo.dir, '.git', 'refs', 'deployadvisor'), { recursive: true });
  git(['update-ref', '-d', REF]);
  writeFileSync(join(repo.dir, '.git', REF), `${target}\n`);
}

interface Corruption {
  name: string;
  /** Sets the ref; returns what `verify` must say. */
  make: () => string | RegExp;
  /** The whole ledger is unreadable: list, export and record stop with exit 4 too. */
  whole: boolean;
}

const cases: Corruption[] = [
  {
    name: 'the ref points at a blob',
    make: () => {
      const id = blob('{"hello":1}');
      pointAt(id);
      return `${REF} points at a blob object (${id}), not at a ledger commit`;
    },
    whole: true,
  },
  {
    name: 'the ref points at a tree',
    make: () => {
      const id = tree([['100644', 'blob', blob(thirdRecord()), 'record.json']]);
      pointAt(id);
      return `${REF} points at a tree object (${id}), not at a ledger commit`;
    },
    whole: true,
  },
  {
    name: 'the ref points at an annotated tag of the ledger tip',
    make: () => {
      const tag = git(
        ['mktag'],
        `object ${good[1] ?? ''}\ntype commit\ntag t\ntagger x <x@x> 1700000000 +0000\n\nwrapped\n`,
      );
      pointAt(tag);
      return `${REF} points at a tag object (${tag}), not at a ledger commit`;
    },
    whole: true,
  },
  {
    name: 'the ref points at an object that does not exist',
    make: () => {
      pointAt('0123456789abcdef0123456789abcdef01234567');
      return `${REF} points at 0123456789abcdef0123456789abcdef01234567, which is not in this repository`;
    },
    whole: true,
  },
  {
    name: 'a parent of a ledger commit is missing',
    make: () => {
      const orphanParent = commit(tree([['100644', 'blob', blob('{}'), 'record.json']]));
      const child = commit(tree([['100644', 'blob', blob(thirdRecord()), 'record.json']]), orphanParent);
      rmSync(looseObjectPath(orphanParent));
      pointAt(child);
      return `a parent of commit ${child} is missing from this repository`;
    },
    whole: true,
  },
  {
    name: 'the ref is a symbolic ref to a branch',
    make: () => {
      git(['update-ref', '-d', REF]);
      git(['symbolic-ref', REF, 'refs/heads/main']);
      return /FAILED at record 1 \(commit [0-9a-f]{12}\): the commit holds ".deployadvisor.yml" besides record.json|no record.json in the commit/;
    },
    whole: false,
  },
  {
    name: 'a commit with no record file (empty tree)',
    make: () => {
      pointAt(onTop(tree([])));
      return 'FAILED at record 3';
    },
    whole: false,
  },
  {
    name: 'a commit with another file but no record file',
    make: () => {
      pointAt(onTop(tree([['100644', 'blob', blob(thirdRecord()), 'record.jsn']])));
      return 'no record.json in the commit';
    },
    whole: false,
  },
  {
    name: 'a record file with an extra file beside it',
    make: () => {
      pointAt(
        onTop(
          tree([
            ['100644', 'blob', blob(thirdRecord()), 'record.json'],
            ['100644', 'blob', blob('x'), 'notes.txt'],
          ]),
        ),
      );
      return 'FAILED at record 3 (commit';
    },
    whole: false,
  },
  {
    name: 'record.json is a directory',
    make: () => {
      const inner = tree([['100644', 'blob', blob(thirdRecord()), 'record.json']]);
      pointAt(onTop(tree([['040000', 'tree', inner, 'record.json']])));
      return 'record.json is not a plain file (mode 40000, a directory)';
    },
    whole: false,
  },
  {
    name: 'record.json is a symlink',
    make: () => {
      pointAt(onTop(tree([['120000', 'blob', blob('../record.json'), 'record.json']])));
      return 'record.json is not a plain file (mode 120000)';
    },
    whole: false,
  },
  {
    name: 'record.json is executable',
    make: () => {
      pointAt(onTop(tree([['100755', 'blob', blob(thirdRecord()), 'record.json']])));
      return 'record.json is not a plain file (mode 100755)';
    },
    whole: false,
  },
  {
    name: 'the record blob is missing',
    make: () => {
      const id = blob(`${thirdRecord()} `);
      const top = onTop(tree([['100644', 'blob', id, 'record.json']]));
      rmSync(looseObjectPath(id));
      pointAt(top);
      return 'the record.json object is missing from this repository';
    },
    whole: false,
  },
  ...['', 'not json', '{"seq":', '\uFEFF{}', 'null', '[]', '42', '"record"'].map((text): Corruption => ({
    name: `record.json holds ${JSON.stringify(text)}`,
    make: () => {
      pointAt(onTop(tree([['100644', 'blob', blob(text), 'record.json']])));
      return /FAILED at record 3 \(commit [0-9a-f]{12}\): (record is not JSON|malformed record)/;
    },
    whole: false,
  })),
  ...(
    [
      ['a missing field', (r: Record<string, unknown>) => delete r.actor],
      ['an unknown field', (r: Record<string, unknown>) => (r.extra = 1)],
      ['a wrong type', (r: Record<string, unknown>) => (r.seq = '3')],
      ['a fractional seq', (r: Record<string, unknown>) => (r.seq = 2.5)],
      [
        'a __proto__ key',
        (r: Record<string, unknown>) => Object.defineProperty(r, '__proto__', { value: 1, enumerable: true }),
      ],
      ['an unknown type', (r: Record<string, unknown>) => (r.type = 'deleted')],
      ['a short sha', (r: Record<string, unknown>) => (r.sha = 'abc')],
    ] as const
  ).map(([what, edit]): Corruption => ({
    name: `a record with ${what}`,
    make: () => {
      const record = JSON.parse(thirdRecord()) as Record<string, unknown>;
      edit(record);
      pointAt(onTop(tree([['100644', 'blob', blob(canonicalJson(record)), 'record.json']])));
      return /FAILED at record 3 \(commit [0-9a-f]{12}\): malformed record/;
    },
    whole: false,
  })),
];

describe('a corrupt ledger is a named integrity failure', () => {
  it.each(cases)('$name', async ({ make, whole }) => {
    const expected = make();
    try {
      const verify = await runCli(['--repo', repo.dir, 'ledger', 'verify']);
      expect(verify.code).toBe(4);
      expect(verify.stdout).toContain('integrity: FAILED');
      expect(verify.stdout).not.toContain('integrity: OK');
      if (typeof expected === 'string') expect(verify.stdout).toContain(expected);
      else expect(verify.stdout).toMatch(expected);
      expect(verify.stderr).not.toMatch(/internal error|at .*\.ts:\d+/);
      for (const args of [
        ['ledger', 'list'],
        ['ledger', 'export'],
        ['explain', 'HEAD'],
      ]) {
        const result = await runCli(['--repo', repo.dir, ...args]);
        expect(result.stderr).not.toMatch(/internal error/);
        expect(result.code).toBe(whole ? 4 : 0);
        if (whole) expect(result.stderr).toContain('the ledger cannot be read');
      }
      // Nothing is appended on top: exit 4, a message, no internal error, the ref unchanged.
      const before = git(['rev-parse', REF]);
      const append = await runCli(['--repo', repo.dir, 'record', 'started']);
      expect(append.code).toBe(4);
      expect(append.stderr).not.toMatch(/internal error/);
      expect(git(['rev-parse', REF])).toBe(before);
    } finally {
      git(['update-ref', '--no-deref', '-d', REF]);
      git(['update-ref', REF, good[1] ?? '']);
    }
  });

  it('the good ledger still verifies', async () => {
    const verify = await runCli(['--repo', repo.dir, 'ledger', 'verify']);
    expect(verify.stdout).toContain('integrity: OK — 2 record(s)');
    expect(verify.code).toBe(0);
  });
});
