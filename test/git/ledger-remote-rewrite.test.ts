import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { canonicalJson, type LedgerRecord } from '../../src/ledger/record.js';
import { recordId } from '../../src/ledger/store.js';
import { writeLedger } from '../helpers/history.js';
import { deployEvent } from '../helpers/records.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

// A remote whose ledger was rewritten or truncated: pull and push refuse (exit 4) with the finding
// verify gives, and never re-append this clone's records on top of the forged chain.

const REF = 'refs/deployadvisor/ledger';
const ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
let origin: string;
let clone: string;
let seed: TestRepo;

function git(dir: string, args: string[], input?: string): string {
  return execFileSync('git', ['-C', dir, ...args], {
    encoding: 'utf8',
    env: ENV,
    ...(input === undefined ? {} : { input }),
  }).trim();
}

const cli = (...args: string[]) => runCli(['--repo', clone, ...args]);
const ledgerCount = (dir: string) => Number(git(dir, ['rev-list', '--count', REF]));

/** Rewrites the bare remote's ledger from record `from` on, editing its reason, with a valid chain. */
function forgeRemote(from: number): string {
  const commits = git(origin, ['rev-list', '--reverse', REF]).split('\n');
  let parent = commits[from - 2] ?? '';
  let prevId = JSON.parse(git(origin, ['cat-file', 'blob', `${parent}:record.json`])) as { id: string };
  for (const [index, commit] of commits.slice(from - 1).entries()) {
    const record = JSON.parse(git(origin, ['cat-file', 'blob', `${commit}:record.json`])) as Record<
      string,
      unknown
    >;
    if (index === 0) record.reason = 'nothing happened';
    record.prev = prevId.id;
    delete record.id;
    const id = recordId(record as Omit<LedgerRecord, 'id'>);
    const text = canonicalJson({ ...record, id });
    const blob = git(origin, ['hash-object', '-w', '--stdin'], text);
    const tree = git(origin, ['mktree'], `100644 blob ${blob}\trecord.json\n`);
    parent = git(origin, [
      '-c',
      'user.name=x',
      '-c',
      'user.email=x@x',
      'commit-tree',
      tree,
      '-p',
      parent,
      '-m',
      'x',
    ]);
    prevId = { id };
  }
  git(origin, ['update-ref', REF, parent]);
  return parent;
}

beforeEach(() => {
  seed = makeRepo('da-rewrite-seed-');
  seed.write('.deployadvisor.yml', 'version: 1\ntimezone: UTC\n');
  const a = seed.commit('a', { date: '2026-01-05T10:00:00Z' });
  const b = seed.commit('b', { date: '2026-01-06T10:00:00Z' });
  writeLedger(seed, [
    deployEvent('succeeded', a, '2026-01-05T12:00:00Z'),
    deployEvent('failed', b, '2026-01-06T12:00:00Z', { base: a, reason: 'error rate 4%' }),
    deployEvent('succeeded', b, '2026-01-07T12:00:00Z', { base: a }),
    deployEvent('succeeded', b, '2026-01-08T12:00:00Z', { base: a }),
  ]);
  origin = mkdtempSync(join(tmpdir(), 'da-rewrite-origin-'));
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', origin], { env: ENV });
  git(seed.dir, ['push', '-q', origin, 'main', `${REF}:${REF}`]);
  clone = mkdtempSync(join(tmpdir(), 'da-rewrite-clone-'));
  execFileSync('git', ['clone', '-q', origin, clone], { env: ENV });
});

afterEach(() => {
  seed.cleanup();
  rmSync(origin, { recursive: true, force: true });
  rmSync(clone, { recursive: true, force: true });
});

/** What pull or push refused for, as the words between "refused: " and ". Nothing". */
const refusal = (stderr: string) => /refused: (.*)\. Nothing was merged/.exec(stderr)?.[1] ?? '(none)';

/** verify's completeness finding, without the "completeness: FAILED — " prefix and the final period. */
async function verifyFinding(): Promise<string> {
  const verify = await cli('ledger', 'verify');
  expect(verify.code).toBe(4);
  const line = verify.stdout.split('\n').find((l) => l.startsWith('completeness: FAILED — ')) ?? '';
  return line.replace('completeness: FAILED — ', '').replace(/\.$/, '');
}

describe('pull and push refuse a rewritten or truncated remote', () => {
  it('a remote whose record 2 was edited and the chain rebuilt (it verifies on its own)', async () => {
    expect((await cli('ledger', 'pull')).code).toBe(0);
    expect((await cli('record', 'started', '--reason', 'local one')).code).toBe(0);
    const localBefore = git(clone, ['rev-parse', REF]);
    const forged = forgeRemote(2);
    const pull = await cli('ledger', 'pull');
    expect(pull.code).toBe(4);
    expect(pull.stderr).toContain(
      "origin lacks 1 record(s) that come before records it has: its ledger was rewritten; origin's ledger moved backwards or was replaced since this clone last fetched it (force-pushed)",
    );
    expect(pull.stderr).not.toMatch(/internal error/);
    // Nothing merged: the local ledger is as it was, the remote too.
    expect(git(clone, ['rev-parse', REF])).toBe(localBefore);
    const push = await cli('ledger', 'push');
    expect(push.code).toBe(4);
    expect(push.stderr).toContain('ledger push refused');
    expect(git(origin, ['rev-parse', REF])).toBe(forged);
    // The same finding as verify, and it does not go away on the next try.
    const finding = await verifyFinding();
    expect(finding).toContain(refusal(pull.stderr));
    expect(finding).toContain(refusal(push.stderr));
    expect((await cli('ledger', 'pull')).code).toBe(4);
    expect(git(clone, ['rev-parse', REF])).toBe(localBefore);
  });

  it('a rewritten remote this clone never fetched before (no tracking ref)', async () => {
    git(clone, ['fetch', '-q', 'origin', `${REF}:${REF}`]);
    expect((await cli('record', 'started', '--reason', 'local one')).code).toBe(0);
    forgeRemote(3);
    const pull = await cli('ledger', 'pull');
    expect(pull.code).toBe(4);
    expect(pull.stderr).toContain('origin lacks 1 record(s) that come before records it has');
    expect(ledgerCount(clone)).toBe(5);
    const push = await cli('ledger', 'push');
    expect(push.code).toBe(4);
    expect(ledgerCount(origin)).toBe(4);
  });

  it('a remote truncated by two records since the last fetch', async () => {
    expect((await cli('ledger', 'pull')).code).toBe(0);
    git(origin, ['update-ref', REF, `${REF}~2`]);
    const pull = await cli('ledger', 'pull');
    expect(pull.code).toBe(4);
    expect(pull.stderr).toContain(
      "origin's ledger moved backwards or was replaced since this clone last fetched it (force-pushed)",
    );
    const push = await cli('ledger', 'push');
    expect(push.code).toBe(4);
    expect(ledgerCount(origin)).toBe(2);
    expect(await verifyFinding()).toContain(refusal(pull.stderr));
  });

  it('a remote whose ledger was deleted since the last fetch', async () => {
    expect((await cli('ledger', 'pull')).code).toBe(0);
    git(origin, ['update-ref', '-d', REF]);
    const pull = await cli('ledger', 'pull');
    expect(pull.code).toBe(4);
    expect(pull.stderr).toContain("origin's ledger moved backwards or was replaced");
    expect((await cli('ledger', 'push')).code).toBe(4);
    expect(git(origin, ['for-each-ref', REF])).toBe('');
  });

  it('a remote ledger ref that points at a blob', async () => {
    expect((await cli('ledger', 'pull')).code).toBe(0);
    const blob = git(origin, ['hash-object', '-w', '--stdin'], '{"not":"a ledger"}');
    git(origin, ['update-ref', REF, blob]);
    const finding = `origin's ledger fails verification: the ledger tip ${blob} is a blob object, not a ledger commit`;
    for (const action of ['pull', 'push']) {
      const result = await cli('ledger', action);
      expect(result.code).toBe(4);
      expect(result.stderr).toContain(finding);
      expect(result.stderr).not.toMatch(/internal error/);
    }
    expect(git(origin, ['rev-parse', REF])).toBe(blob);
    expect(await verifyFinding()).toContain(finding);
  });

  it('a remote with an edited record whose chain was not rebuilt', async () => {
    expect((await cli('ledger', 'pull')).code).toBe(0);
    expect((await cli('record', 'started', '--reason', 'local one')).code).toBe(0);
    // Someone edits record 4 on the remote in place (same seq, prev and id) and adds nothing else.
    const tip = git(origin, ['rev-parse', REF]);
    const text = git(origin, ['cat-file', 'blob', `${tip}:record.json`]).replace('"T"', '"Mallory"');
    const blob = git(origin, ['hash-object', '-w', '--stdin'], text);
    const tree = git(origin, ['mktree'], `100644 blob ${blob}\trecord.json\n`);
    const forged = git(origin, [
      '-c',
      'user.name=x',
      '-c',
      'user.email=x@x',
      'commit-tree',
      tree,
      '-p',
      `${tip}~1`,
      '-m',
      'x',
    ]);
    git(origin, ['update-ref', REF, forged]);
    for (const action of ['pull', 'push']) {
      const result = await cli('ledger', action);
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(
        /origin's ledger fails verification: record 4 \(commit [0-9a-f]{12}\): the record does not match its hash/,
      );
    }
    expect(git(origin, ['rev-parse', REF])).toBe(forged);
    expect(ledgerCount(clone)).toBe(5);
  });

  it('a remote that only moved forward is still pulled and pushed', async () => {
    expect((await cli('ledger', 'pull')).code).toBe(0);
    git(seed.dir, ['fetch', '-q', origin, `+${REF}:${REF}`]);
    const more = (await runCli(['--repo', seed.dir, 'record', 'started'])).stdout;
    expect(more).toContain('Recorded started #5');
    git(seed.dir, ['push', '-q', origin, `${REF}:${REF}`]);
    expect((await cli('record', 'succeeded')).code).toBe(0);
    const push = await cli('ledger', 'push');
    expect(push.code).toBe(0);
    expect(push.stdout).toContain('1 record(s) re-appended');
    expect(ledgerCount(origin)).toBe(6);
    expect((await cli('ledger', 'verify')).code).toBe(0);
  });
});

describe('two clones recording the same event in the same second', () => {
  it('keep two records after push and pull; a ledger written before nonces still verifies', async () => {
    // The seed ledger has no nonces (written as the old code wrote records): it verifies.
    expect((await cli('ledger', 'pull')).code).toBe(0);
    expect((await cli('ledger', 'verify')).code).toBe(0);
    const other = mkdtempSync(join(tmpdir(), 'da-twin-'));
    try {
      execFileSync('git', ['clone', '-q', origin, other], { env: ENV });
      expect((await runCli(['--repo', other, 'ledger', 'pull'])).code).toBe(0);
      // Same identity, same commit, same instant: the record bodies differ only by their nonce.
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-01-09T12:00:00Z'));
      try {
        expect((await runCli(['--repo', clone, 'record', 'succeeded'])).code).toBe(0);
        expect((await runCli(['--repo', other, 'record', 'succeeded'])).code).toBe(0);
      } finally {
        vi.useRealTimers();
      }
      expect((await cli('ledger', 'push')).code).toBe(0);
      const push = await runCli(['--repo', other, 'ledger', 'push']);
      expect(push.code).toBe(0);
      expect(push.stdout).toContain('1 record(s) re-appended');
      expect(ledgerCount(origin)).toBe(6);
      expect((await cli('ledger', 'pull')).code).toBe(0);
      expect(ledgerCount(clone)).toBe(6);
      const exported = (await cli('ledger', 'export')).stdout.trim().split('\n');
      const twins = exported
        .map((line) => JSON.parse(line) as LedgerRecord)
        .filter((r) => r.at === '2026-01-09T12:00:00Z');
      expect(twins).toHaveLength(2);
      expect(twins[0]?.nonce).toMatch(/^[0-9a-f]{32}$/);
      expect(twins[0]?.nonce).not.toBe(twins[1]?.nonce);
      expect((await cli('ledger', 'verify')).stdout).toContain('integrity: OK — 6 record(s)');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
