import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo } from '../helpers/repo.js';

const BIN = join(import.meta.dirname, '../../bin/deployadvisor.js');

/** Spawns the built binary with a bare environment, as a CI job would. */
function run(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1', HOME: cwd, TZ: 'UTC' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('deployadvisor lineage (built binary)', () => {
  let repo: TestRepo;
  let noted = '';
  beforeAll(() => {
    if (!existsSync(join(import.meta.dirname, '../../dist/cli.cjs')))
      throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
    repo = makeRepo();
    repo.writeLines('src/server.ts', 10, 'base');
    repo.commit('base');
    repo.git('tag', 'v1');
    repo.writeLines('src/server.ts', 30, 'base');
    noted = repo.commit('handlers');
    repo.git(
      'notes',
      '--ref=refs/notes/ai',
      'add',
      '-m',
      'src/server.ts\n  0123456789abcdef 11-25\n---\n{"schema_version":"authorship/3.0.0","base_commit_sha":"","prompts":{"0123456789abcdef":{"agent_id":{"tool":"cursor","id":"c1","model":"gpt-5"}}}}',
      noted,
    );
    repo.writeLines('src/payments/refund.ts', 8, 'refund');
    repo.commit('refunds', { trailers: ['Co-authored-by: Claude <noreply@anthropic.com>'] });
  });
  afterAll(() => {
    repo.cleanup();
  });

  it('prints commits, files and tools in 80 columns', () => {
    const result = run(['lineage', 'v1..HEAD'], repo.dir);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const out = result.stdout;
    expect(out).toContain('AI lines: 23 of the 28 line(s) the range left in 2 file(s) (82.14%)');
    expect(out).toContain(`attributed per line: ${noted.slice(0, 10)}`);
    expect(out).toMatch(/│ src\/server\.ts +│ 15\/30 +│ 50\.00% +│ line +│ cursor 15 +│/);
    expect(out).toMatch(/│ src\/payments\/refund\.ts +│ 8\/8 +│ 100\.00% +│ commit +│ claude 8 +│/);
    expect(out).toMatch(/│ cursor +│ 1 +│ 15 +│/);
    expect(out).toMatch(/│ claude +│ 1 +│ 8 +│/);
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('prints markdown for --format markdown and github', () => {
    for (const format of ['markdown', 'github']) {
      const result = run(['--format', format, 'lineage', 'v1..HEAD'], repo.dir);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('## AI lineage');
      expect(result.stdout).toContain('| `src/server.ts` | 15 | 30 | 50.00% | line | cursor 15 |');
    }
  });

  it('exits 2 naming a ref that does not exist', () => {
    const result = run(['lineage', 'v1..no-such-branch'], repo.dir);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('"no-such-branch" is not a commit in this repository');
    const single = run(['lineage', 'nope'], repo.dir);
    expect(single.code).toBe(2);
    expect(single.stderr).toContain('"nope"');
  });
});
