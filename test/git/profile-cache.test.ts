import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runPlanJson } from '../helpers/run.js';

/** The change profile cached per base (src/app/prior-profile.ts): a plan from it equals one without. */
describe('the change profile cache', () => {
  let repo: TestRepo;
  let base: string;
  const cacheFile = () => join(repo.dir, '.git', 'deployadvisor', 'profile-v1.json');
  const stored = () =>
    JSON.parse(readFileSync(cacheFile(), 'utf8')) as {
      key: { base: string; version: string; changes: number };
      value: { count: number; trailerKeys: string[] };
    };
  const plan = async () => {
    const result = await runPlanJson(repo.dir, ['--from', base, '--offline']);
    expect(result.stderr).toBe('');
    return result.stdout;
  };

  beforeAll(() => {
    repo = makeRepo();
    // Earlier changes with history the model reads: files touched again, a fix, review trailers.
    for (let i = 1; i <= 12; i++) {
      repo.writeLines(`src/mod${i % 4}.ts`, 10 + i * 3, `v${i}`);
      repo.commit(i % 5 === 0 ? `fix: mod${i % 4} edge case` : `work ${i}`, {
        trailers: i % 3 === 0 ? ['Reviewed-by: Rita <rita@example.com>'] : [],
      });
    }
    base = repo.git('rev-parse', 'HEAD').trim();
    repo.writeLines('src/mod1.ts', 90, 'deploy');
    repo.writeLines('src/new.ts', 40, 'deploy');
    repo.commit('the deploy');
  });
  afterAll(() => {
    repo.cleanup();
  });

  it('is written for the base, and a plan from it prints the same bytes as one that folds the changes', async () => {
    rmSync(cacheFile(), { force: true });
    const cold = await plan();
    expect(stored().key.base).toBe(base);
    expect(stored().value.count).toBe(12);
    expect(stored().value.trailerKeys).toContain('reviewed-by');
    const warm = await plan();
    expect(warm).toBe(cold);
    // Damaged, or from another base: folded again, same answer, cache rewritten for this base.
    writeFileSync(cacheFile(), '{"key": {"base": ');
    expect(await plan()).toBe(cold);
    expect(stored().key.base).toBe(base);
    const other = JSON.parse(readFileSync(cacheFile(), 'utf8')) as { key: { base: string } };
    other.key.base = '0'.repeat(40);
    writeFileSync(cacheFile(), JSON.stringify(other));
    expect(await plan()).toBe(cold);
    expect(stored().key.base).toBe(base);
  });

  it('a stored profile that is not what the fold keeps is read around', async () => {
    await plan();
    const cache = JSON.parse(readFileSync(cacheFile(), 'utf8')) as { value: Record<string, unknown> };
    const cold = await plan();
    cache.value = { count: 12, trailerKeys: [], history: { files: 'x', authors: [], ecdfs: [] } };
    writeFileSync(cacheFile(), JSON.stringify(cache));
    expect(await plan()).toBe(cold);
  });

  it('is not kept in a shallow clone, where the changes before a base grow as the clone deepens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'da-profile-shallow-'));
    try {
      execFileSync('git', ['clone', '-q', '--depth', '4', `file://${repo.dir}`, dir]);
      const shallow = await runPlanJson(dir, ['--from', base, '--offline']);
      expect(shallow.code).not.toBe(2);
      expect(existsSync(join(dir, '.git', 'deployadvisor', 'profile-v1.json'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
