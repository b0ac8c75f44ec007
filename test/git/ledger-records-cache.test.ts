import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../src/ledger/record.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

/** The records cache (src/ledger/records-cache.ts): a memo of the records of one ledger tip. */
describe('the ledger records cache', () => {
  let repo: TestRepo;
  let first: string;
  let second: string;
  const cli = (...args: string[]) => runCli(['--repo', repo.dir, ...args]);
  const cacheFile = () => join(repo.dir, '.git', 'deployadvisor', 'ledger-records-v2.json');
  const tip = () => repo.git('rev-parse', 'refs/deployadvisor/ledger').trim();
  const stored = () =>
    JSON.parse(readFileSync(cacheFile(), 'utf8')) as {
      key: { version: string; ref: string; tip: string };
      value: unknown[];
    };
  const listed = async () => {
    const run = await cli('--format', 'json', 'ledger', 'list');
    expect(run.code).toBe(0);
    return (JSON.parse(run.stdout) as LedgerRecord[]).map((record) => record.sha);
  };

  beforeEach(async () => {
    repo = makeRepo();
    repo.writeLines('src/app.ts', 10);
    first = repo.commit('one');
    repo.writeLines('src/app.ts', 20);
    second = repo.commit('two');
    expect((await cli('record', 'succeeded', '--sha', first, '--at', '2026-02-01T10:00:00Z')).code).toBe(0);
  });
  afterEach(() => {
    repo.cleanup();
  });

  it('is written for the tip read, and read again only while the tip stays', async () => {
    expect(await listed()).toEqual([first]);
    const cache = stored();
    expect(cache.key.tip).toBe(tip());
    expect(cache.value).toHaveLength(1);
    // A new record moves the tip: the ledger is read from git again, and the cache follows.
    expect((await cli('record', 'succeeded', '--sha', second, '--at', '2026-02-02T10:00:00Z')).code).toBe(0);
    expect(await listed()).toEqual([first, second]);
    expect(stored().key.tip).toBe(tip());
  });

  it('a damaged cache is read around and written again; ledger verify never reads it', async () => {
    expect(await listed()).toEqual([first]);
    writeFileSync(cacheFile(), '{"ref": "refs/deployadvisor/ledger", "tip": ');
    expect(await listed()).toEqual([first]);
    expect(stored().key.tip).toBe(tip());
    // What a cache for this tip says is what commands that read records see (it is a memo of git's
    // objects, trusted like the other caches under .git/deployadvisor/); verify reads git itself.
    const { version } = stored().key;
    const forTip = (records: unknown[], writtenBy: string) =>
      JSON.stringify({
        key: { version: writtenBy, ref: 'refs/deployadvisor/ledger', tip: tip() },
        value: records,
      });
    // Another version of the tool may read records differently: its cache is not used.
    writeFileSync(cacheFile(), forTip([], '0.0.1-other'));
    expect(await listed()).toEqual([first]);
    writeFileSync(cacheFile(), forTip([], version));
    expect(await listed()).toEqual([]);
    const verified = await cli('--format', 'json', 'ledger', 'verify');
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, integrity: { ok: true, count: 1 } });
    // Deleting it only costs time.
    rmSync(cacheFile());
    expect(await listed()).toEqual([first]);
  });
});
