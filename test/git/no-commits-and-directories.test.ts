import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/table.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

// Messages that say what happened (issue #14): a repository with no commits, and a directory where a
// file was expected.
// mcp opens the repository per request, once a client asks (test/cli/mcp.test.ts).
const NEEDS_NO_HISTORY = new Set(['init', 'config check', 'config print', 'config schema', 'mcp']);
const ARGS: Record<string, string[]> = {
  explain: ['HEAD'],
  record: ['started'],
  'ledger void': ['1', '--reason', 'recorded twice'],
};

describe('a repository with no commits yet', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'da-empty-'));
    execFileSync('git', ['init', '-q', dir]);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(
    COMMANDS.filter((command) => !NEEDS_NO_HISTORY.has(command.path.join(' '))).map((command) => [
      command.path.join(' '),
      [...command.path, ...(ARGS[command.path.join(' ')] ?? [])],
    ]),
  )('%s says "no commits yet" with exit 2', async (_name, args) => {
    const result = await runCli(['--repo', dir, ...args], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `deployadvisor: ${dir}: the repository has no commits yet.\n  Commit something first (\`git commit\`); \`deployadvisor init\` and \`config check\` work before that.\n`,
    );
  });

  it('config check still works there (a policy can be written before the first commit)', async () => {
    const result = await runCli(['--repo', dir, 'config', 'check'], { cwd: dir });
    expect(result.code).toBe(0);
  });
});

describe('a directory where a file is expected', () => {
  let repo: TestRepo;
  beforeAll(() => {
    repo = makeRepo('da-dirs-');
    repo.write('src/app.ts', 'x\n');
    repo.commit('initial');
    mkdirSync(join(repo.dir, 'somedir'));
  });
  afterAll(() => {
    repo.cleanup();
  });

  it.each([
    [['--config', 'somedir', 'plan'], '--config somedir: expected a policy file, found a directory'],
    [
      ['plan', '--offline', '--coverage', 'somedir'],
      '--coverage somedir: expected a report file, found a directory',
    ],
    [['--output', 'somedir', 'plan'], '--output somedir: cannot write', 'is a directory, not a file'],
    [
      ['--policy-ref', 'HEAD', '--config', 'src', 'plan'],
      '--policy-ref HEAD: src is a directory at that ref, not a policy file.',
    ],
    [
      ['init', '--config', 'somedir'],
      '--config somedir: expected the policy file to write, found a directory',
    ],
    [['--repo', 'src/app.ts', 'plan'], '--repo src/app.ts: expected a directory, found a file'],
  ])('%j says so, exit 2', async (args, ...expected) => {
    const result = await runCli(args, { cwd: repo.dir });
    expect(result.code).toBe(2);
    for (const text of expected) expect(result.stderr).toContain(text);
    expect(result.stderr).not.toMatch(/\n\s+at |internal error|cat-file/);
  });

  it('GITHUB_STEP_SUMMARY naming a directory says so', async () => {
    const result = await runCli(['--repo', repo.dir, '--format', 'github', 'plan', '--offline'], {
      cwd: repo.dir,
      env: { GITHUB_STEP_SUMMARY: 'somedir' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('GITHUB_STEP_SUMMARY: cannot write');
    expect(result.stderr).toContain('is a directory, not a file');
  });
});
