import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { BacktestResult } from '../../src/assess/backtest.js';
import { writeLedger } from '../helpers/history.js';
import { deployEvent } from '../helpers/records.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

// Backtest judges the thresholds on deploy-sized units: the ledger's deploys, else release tags, else a
// day's changes, and says which.

const repos: TestRepo[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

/** 60 code changes, 4 a day (6 hours apart) from 2026-01-01, written in one `git fast-import`. */
function history(): { repo: TestRepo; shas: string[] } {
  const repo = makeRepo('da-deploy-units-');
  repos.push(repo);
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  let stream = '';
  for (let i = 0; i < 60; i++) {
    const at = Date.parse('2026-01-01T00:00:00Z') / 1000 + i * 6 * 3600;
    stream += `commit refs/heads/main\nmark :${i + 1}\ncommitter T <t@example.com> ${at} +0000\n`;
    stream += data(`change ${i}`);
    if (i > 0) stream += `from :${i}\n`;
    stream += `M 100644 inline src/m${i % 7}.ts\n${data(`export const v = ${i};\n`.repeat(1 + (i % 5)))}`;
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: repo.dir, input: stream });
  repo.git('checkout', '-q', 'main');
  repo.write('.deployadvisor.yml', 'version: 1\ntimezone: UTC\n');
  const shas = repo.git('rev-list', '--reverse', 'main').trim().split('\n');
  return { repo, shas };
}

async function unitsOf(repo: TestRepo): Promise<BacktestResult['deployFlagRates']> {
  const result = await runCli(['--repo', repo.dir, '--format', 'json', 'backtest']);
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as BacktestResult).deployFlagRates;
}

describe('deploy-sized units in backtest', () => {
  it('uses a day’s changes when the repository has no ledger and no release tags', async () => {
    const { repo } = history();
    const units = await unitsOf(repo);
    expect(units).toMatchObject({ units: 'days', count: 15 });
    expect(units.suggested.riskyAt).not.toBeNull();
  });

  it('uses release tags: each change in the first release that contains it', async () => {
    const { repo, shas } = history();
    // v0.1 .. v0.20 on every third change; the last change is not released yet. Tags not named like a
    // version are not releases.
    for (let i = 0; i < 20; i++) repo.git('tag', `v0.${i + 1}`, shas[i * 3] ?? '');
    repo.git('tag', 'latest', shas[59] ?? '');
    const units = await unitsOf(repo);
    expect(units).toMatchObject({ units: 'tags', count: 20 });

    const text = await runCli(['--repo', repo.dir, 'backtest']);
    expect(text.stdout).toContain('of 20 deploy-sized units (release tags');
  });

  it('too few tags fall back to days', async () => {
    const { repo, shas } = history();
    for (let i = 0; i < 5; i++) repo.git('tag', `v1.${i}.0`, shas[i * 10] ?? '');
    expect((await unitsOf(repo)).units).toBe('days');
  });

  it('uses the ledger’s deploys first, a failed deploy’s changes shipped again by the next', async () => {
    const { repo, shas } = history();
    for (let i = 0; i < 20; i++) repo.git('tag', `v0.${i + 1}`, shas[i * 3] ?? '');
    // 30 deploys, one every second change; the 5th failed outright.
    const events = Array.from({ length: 30 }, (_, i) =>
      deployEvent(
        i === 4 ? 'failed' : 'succeeded',
        shas[i * 2 + 1] ?? '',
        new Date(Date.parse('2026-01-01T00:00:00Z') + (i * 2 + 1) * 6 * 3_600_000 + 60_000).toISOString(),
      ),
    );
    writeLedger(repo, events);
    const units = await unitsOf(repo);
    expect(units).toMatchObject({ units: 'ledger', count: 30 });
    // The failed deploy labels its changes failed; its unit counts as failed.
    expect(units.failed).toBeGreaterThanOrEqual(1);
  });
});
