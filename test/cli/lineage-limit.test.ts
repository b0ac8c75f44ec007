import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

// lineage text is bounded: summary, tools, then the files with the most AI lines and the commits, each
// cut to --limit rows (default 20) with a line saying how many more; --all lists every one; JSON has all.

let repo: TestRepo;

beforeAll(() => {
  repo = makeRepo('da-lineage-limit-');
  repo.write('.deployadvisor.yml', 'version: 1\ntimezone: UTC\n');
  repo.commit('init');
  for (let i = 0; i < 25; i++) {
    repo.writeLines(`src/f${String(i).padStart(2, '0')}.ts`, 1 + i, `v${i}`);
    repo.commit(
      `change ${i}`,
      i % 2 === 0 ? { trailers: ['Co-authored-by: Claude <noreply@anthropic.com>'] } : {},
    );
  }
});
afterAll(() => {
  repo.cleanup();
});

const lineage = (...args: string[]) => runCli(['--repo', repo.dir, 'lineage', '--from', 'HEAD~25', ...args]);

describe('lineage text output', () => {
  it('shows 20 files and 20 commits by default, says how many more, tools before files before commits', async () => {
    const result = await lineage();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('… and 5 more file(s)');
    expect(result.stdout).toContain('… and 5 more commit(s)');
    const at = (heading: string) => result.stdout.indexOf(`\n${heading}`);
    expect(at('Tools')).toBeGreaterThan(0);
    expect(at('Tools')).toBeLessThan(at('Files'));
    expect(at('Files')).toBeLessThan(at('Commits'));
    // The files with the most AI lines come first: f24 (25 lines, AI) is listed, f01 (2 lines, human) is not.
    expect(result.stdout).toContain('src/f24.ts');
    expect(result.stdout).not.toContain('src/f01.ts');
  });

  it('--limit and --all', async () => {
    expect((await lineage('--limit', '3')).stdout).toContain('… and 22 more commit(s)');
    const all = await lineage('--all');
    expect(all.stdout).not.toContain('more commit(s)');
    expect(all.stdout).toContain('src/f01.ts');
  });

  it('JSON lists everything whatever the limit', async () => {
    const result = await runCli([
      '--repo',
      repo.dir,
      '--format',
      'json',
      'lineage',
      '--from',
      'HEAD~25',
      '--limit',
      '2',
    ]);
    const report = JSON.parse(result.stdout) as { commits: unknown[]; files: unknown[] };
    expect(report.commits).toHaveLength(25);
    expect(report.files).toHaveLength(25);
  });

  it.each(['0', '-1', 'ten', '1.5', ''])('--limit %j is a usage error', async (value) => {
    const result = await lineage('--limit', value);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--limit');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
