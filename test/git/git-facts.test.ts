import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectGitFacts } from '../../src/collect/git-facts.js';
import { createGitRunner } from '../../src/collect/git-runner.js';
import { readCommits } from '../../src/collect/git-log.js';
import { knownCommit, readRepoLayout } from '../../src/collect/repo-layout.js';
import { policySchema } from '../../src/config/schema.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli, runPlanJson } from '../helpers/run.js';

const repos: TestRepo[] = [];
const track = (repo: TestRepo) => (repos.push(repo), repo);
afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

const policy = (extra: object = {}) => policySchema.parse(extra);

/** collectGitFacts for HEAD of `dir`, to production. */
const headFacts = (dir: string, options: { from?: string; policy?: object } = {}) =>
  collectGitFacts(createGitRunner(dir), {
    target: 'HEAD',
    from: options.from,
    env: 'production',
    policy: policy(options.policy),
  });

describe('the git runner', () => {
  it('writes stdin, treats okExitCodes as answers and explains failures', async () => {
    const repo = track(makeRepo());
    repo.writeLines('a.ts', 1);
    const first = repo.commit('one');
    repo.writeLines('a.ts', 2);
    const second = repo.commit('two');
    const git = createGitRunner(repo.dir);
    const blob = await git.run(['hash-object', '--stdin'], { input: 'hello\n' });
    expect(blob).toEqual({ stdout: 'ce013625030ba8dba906f756967f9e9ca394464a\n', exitCode: 0 });
    const notAncestor = await git.run(['merge-base', '--is-ancestor', second, first], {
      okExitCodes: [0, 1],
    });
    expect(notAncestor.exitCode).toBe(1);
    await expect(git.run(['rev-parse', '--verify', 'no-such-ref'])).rejects.toThrow(
      /^git rev-parse --verify no-such-ref failed in .*: fatal: Needed a single revision$/,
    );
    const bytes = await git.runBytes(['cat-file', '--batch'], { input: `${first}:a.ts\n` });
    expect(bytes.toString('utf8')).toMatch(/^[0-9a-f]{40} blob 7\nline 1\n\n$/);
  });

  it('a stream stopped early ends git and leaves nothing behind; a failing stream throws at its end', async () => {
    const repo = track(makeRepo());
    for (let i = 0; i < 5; i++) {
      repo.writeLines('a.ts', i + 1);
      repo.commit(`commit ${i}`);
    }
    const git = createGitRunner(repo.dir);
    const seen: string[] = [];
    for await (const sha of git.stream(['rev-list', 'HEAD'], '\n')) {
      seen.push(sha);
      if (seen.length === 2) break;
    }
    expect(seen).toHaveLength(2);
    const all: string[] = [];
    for await (const sha of git.stream(['rev-list', 'HEAD'], '\n')) all.push(sha);
    expect(all.slice(0, 2)).toEqual(seen);
    expect(all).toHaveLength(5);
    const failing = async () => {
      const lines: string[] = [];
      for await (const line of git.stream(['log', 'no-such-ref', '--'], '\n')) lines.push(line);
      return lines;
    };
    await expect(failing()).rejects.toThrow(/no-such-ref/);
  });

  it('git that cannot start (no git, or no such directory) is "git was not found on PATH"', async () => {
    const git = createGitRunner(join(tmpdir(), 'da-no-such-dir-for-sure'));
    await expect(git.run(['version'])).rejects.toThrow('git was not found on PATH.');
    const streamed = async () => {
      const lines: string[] = [];
      for await (const line of git.stream(['version'], '\n')) lines.push(line);
      return lines;
    };
    await expect(streamed()).rejects.toThrow('git was not found on PATH.');
  });
});

describe('the git log reader', () => {
  it('reads trailers, renames, binaries and unusual paths per commit', async () => {
    const repo = track(makeRepo());
    repo.writeLines('old name.ts', 10);
    repo.write('src/keep.ts', 'keep\n');
    repo.write('ünïcode/файл.txt', 'a\n');
    repo.commit('first');
    repo.git('mv', 'old name.ts', 'src/new name.ts');
    repo.write('image.bin', 'a\0b\0c');
    repo.write('ünïcode/файл.txt', 'a\nb\n');
    const sha = repo.commit('second: rename', {
      body: 'Why it moved.',
      trailers: ['Co-authored-by: Claude <noreply@anthropic.com>', 'Reviewed-by: Rita <rita@example.com>'],
      date: '2026-02-03T04:05:06+01:00',
    });
    const commits = await readCommits(createGitRunner(repo.dir), null, 'HEAD');
    expect(commits).toHaveLength(2);
    const second = commits[0];
    expect(second).toMatchObject({
      sha,
      subject: 'second: rename',
      body: 'Why it moved.\n\nCo-authored-by: Claude <noreply@anthropic.com>\nReviewed-by: Rita <rita@example.com>',
      author: { name: 'Test Author', email: 'author@example.com', date: '2026-02-03T04:05:06+01:00' },
    });
    expect(second?.trailers).toEqual([
      { key: 'Co-authored-by', value: 'Claude <noreply@anthropic.com>' },
      { key: 'Reviewed-by', value: 'Rita <rita@example.com>' },
    ]);
    expect(second?.files).toEqual(
      expect.arrayContaining([
        { path: 'image.bin', added: null, deleted: null },
        { path: 'src/new name.ts', oldPath: 'old name.ts', added: 0, deleted: 0 },
        { path: 'ünïcode/файл.txt', added: 1, deleted: 0 },
      ]),
    );
    expect(commits[1]?.parents).toEqual([]);
    expect(second?.parents).toEqual([commits[1]?.sha]);
  });
});

describe('collectGitFacts', () => {
  it('range diff gives new-side changed line ranges and statuses', async () => {
    const repo = track(makeRepo());
    repo.writeLines('a.ts', 10);
    repo.writeLines('gone.ts', 3);
    repo.commit('base');
    const base = repo.git('rev-parse', 'HEAD').trim();
    repo.write(
      'a.ts',
      [
        'line 1',
        'CHANGED',
        'line 3',
        'line 4',
        'line 5',
        'line 6',
        'line 7',
        'NEW A',
        'NEW B',
        'line 8',
        'line 9',
        'line 10',
        '',
      ].join('\n'),
    );
    repo.git('rm', '-q', 'gone.ts');
    repo.writeLines('fresh.ts', 4, 'fresh content');
    repo.commit('change');
    const facts = await headFacts(repo.dir, { from: base });
    const byPath = Object.fromEntries(facts.diff.map((file) => [file.path, file]));
    expect(byPath['a.ts']).toMatchObject({
      status: 'modified',
      added: 3,
      deleted: 1,
      addedRanges: [
        [2, 2],
        [8, 9],
      ],
    });
    expect(byPath['fresh.ts']).toMatchObject({ status: 'added', added: 4, addedRanges: [[1, 4]] });
    expect(byPath['gone.ts']).toMatchObject({ status: 'deleted', deleted: 3, addedRanges: [] });
    expect(facts.base).toMatchObject({ sha: base, source: 'from' });
  });

  it('base of the range: deployedRef glob picks the newest matching tag', async () => {
    const repo = track(makeRepo());
    repo.writeLines('a.ts', 1);
    repo.commit('one');
    repo.git('tag', 'deploy/production/old');
    repo.writeLines('a.ts', 2);
    const second = repo.commit('two');
    repo.git('tag', '-a', '-m', 'deployed', 'deploy/production/new');
    repo.writeLines('a.ts', 3);
    repo.commit('three');
    const facts = await headFacts(repo.dir, {
      policy: { environments: { production: { deployedRef: 'deploy/production/*' } } },
    });
    expect(facts.base).toMatchObject({ sha: second, source: 'deployedRef', ref: 'deploy/production/new' });
    expect(facts.commits.map((c) => c.subject)).toEqual(['three']);
  });

  it('base of the range: merge-base with the env branch, then the root with a warning', async () => {
    const repo = track(makeRepo());
    repo.writeLines('a.ts', 1);
    const root = repo.commit('one');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.writeLines('b.ts', 2);
    repo.commit('feature work');
    const onFeature = await headFacts(repo.dir);
    expect(onFeature.base).toMatchObject({ sha: root, source: 'merge-base', ref: 'main' });
    expect(onFeature.commits).toHaveLength(1);

    repo.git('checkout', '-q', 'main');
    const onMain = await headFacts(repo.dir);
    expect(onMain.base).toMatchObject({ sha: null, source: 'root' });
    expect(onMain.commits).toHaveLength(1);
    expect(onMain.diagnostics.map((d) => d.id)).toContain('base-assumed-root');
  });

  it('a missing deployedRef is a named warning, not a silent pass', async () => {
    const repo = track(makeRepo());
    repo.writeLines('a.ts', 1);
    repo.commit('one');
    const facts = await headFacts(repo.dir, {
      policy: { environments: { production: { deployedRef: 'deploy/production/*' } } },
    });
    expect(facts.diagnostics.find((d) => d.id === 'deployed-ref-missing')?.message).toContain(
      'No ref matches deployedRef "deploy/production/*"',
    );
  });

  it('a deployedRef that matches nothing is not mentioned when --from or the ledger gives the base', async () => {
    const repo = track(makeRepo());
    repo.write(
      '.deployadvisor.yml',
      'version: 1\nenvironments: { production: { deployedRef: "deploy/production/*" } }\n',
    );
    repo.writeLines('a.ts', 1);
    const first = repo.commit('one');
    repo.writeLines('a.ts', 2);
    repo.commit('two');
    const request = {
      target: 'HEAD',
      env: 'production',
      policy: policy({ environments: { production: { deployedRef: 'deploy/production/*' } } }),
    };
    const git = createGitRunner(repo.dir);
    const fromGiven = await collectGitFacts(git, { ...request, from: first });
    expect(fromGiven.base.source).toBe('from');
    expect(fromGiven.diagnostics.map((d) => d.id)).not.toContain('deployed-ref-missing');
    const ledger = await runCli([
      '--repo',
      repo.dir,
      'record',
      'succeeded',
      '--sha',
      first,
      '--at',
      '2026-11-22T10:00:00Z',
    ]);
    expect(ledger.code).toBe(0);
    const { plan } = await runPlanJson(repo.dir, ['--offline']);
    expect(plan.range.fromSource).toBe('ledger');
    expect(plan.diagnostics.map((d) => d.id)).not.toContain('deployed-ref-missing');
  });

  it('detached HEAD is named', async () => {
    const repo = track(makeRepo());
    repo.writeLines('a.ts', 1);
    repo.commit('one');
    repo.writeLines('a.ts', 2);
    repo.commit('two');
    repo.git('checkout', '-q', '--detach', 'HEAD~1');
    const facts = await headFacts(repo.dir);
    expect(facts.head.detached).toBe(true);
    expect(facts.diagnostics.find((d) => d.id === 'detached-head')?.message).toContain('HEAD is detached');
  });
});

describe('the repository layout', () => {
  it('reads HEAD and its branch in the same git call; detached, a new repository, or a subdirectory', async () => {
    const repo = track(makeRepo());
    repo.writeLines('src/a.ts', 1);
    const first = repo.commit('one');
    const branch = repo.git('symbolic-ref', '--short', 'HEAD').trim();
    const layout = await readRepoLayout(createGitRunner(join(repo.dir, 'src')));
    expect(layout).toMatchObject({ isShallow: false, head: { sha: first, branch } });
    expect(layout.gitDir).toBe(join(repo.dir, '.git'));
    expect(knownCommit(layout, 'HEAD')).toBe(first);
    expect(knownCommit(layout, 'main')).toBeUndefined();
    // A branch named HEAD makes `--symbolic-full-name HEAD` ambiguous: the branch is left to symbolic-ref.
    repo.git('update-ref', 'refs/heads/HEAD', 'HEAD');
    expect((await readRepoLayout(createGitRunner(repo.dir))).head).toEqual({ sha: first });
    const facts = await headFacts(repo.dir);
    expect(facts.head.detached).toBe(false);
    repo.git('update-ref', '-d', 'refs/heads/HEAD');
    repo.git('checkout', '-q', '--detach');
    expect((await readRepoLayout(createGitRunner(repo.dir))).head).toEqual({ sha: first, branch: null });
    // A file named like the revision makes the combined call ambiguous: the layout is still read.
    repo.write('HEAD^{commit}', 'x\n');
    const ambiguous = await readRepoLayout(createGitRunner(repo.dir));
    expect(ambiguous.root).toBe(repo.dir);

    const fresh = mkdtempSync(join(tmpdir(), 'da-unborn-'));
    try {
      execFileSync('git', ['init', '-q', fresh]);
      const unborn = await readRepoLayout(createGitRunner(fresh));
      expect(unborn.head).toBeUndefined();
      expect(unborn.root).toBe(fresh);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});

describe('preflight diagnostics through the CLI', () => {
  it('a shallow clone whose range reaches the cut-off is INCONCLUSIVE (exit 5) with the remedy', async () => {
    const origin = track(makeRepo());
    for (let i = 1; i <= 5; i++) {
      origin.writeLines('a.ts', i);
      origin.commit(`c${i}`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'da-shallow-'));
    try {
      execFileSync('git', ['clone', '-q', '--depth', '2', `file://${origin.dir}`, dir]);
      const result = await runCli([
        '--repo',
        dir,
        '--format',
        'json',
        'plan',
        '--from',
        'HEAD~1',
        '--now',
        '2026-11-23T10:00:00Z',
      ]);
      // --from inside the shallow part: the range is complete, so only a warning
      expect(result.code).toBe(0);
      const whole = await runCli(['--repo', dir, 'plan', '--now', '2026-11-23T10:00:00Z']);
      expect(whole.code).toBe(5);
      expect(whole.stdout).toMatch(/^INCONCLUSIVE /);
      expect(whole.stdout).toContain('fetch-depth: 0');
      expect(whole.stdout).toContain('git fetch --unshallow');
      const { plan: json } = await runPlanJson(dir);
      expect(json.verdict).toBe('INCONCLUSIVE');
      expect(json.exitCode).toBe(5);
      expect(json.gates[0]?.id).toBe('shallow-history');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a missing --from ref and a missing target exit 2 and name the ref', async () => {
    const repo = track(makeRepo());
    repo.writeLines('a.ts', 1);
    repo.commit('one');
    const from = await runCli(['--repo', repo.dir, 'plan', '--from', 'v9.9.9']);
    expect(from.code).toBe(2);
    expect(from.stderr).toContain('--from "v9.9.9" is not a commit');
    const target = await runCli(['--repo', repo.dir, 'plan', 'no-such-branch']);
    expect(target.code).toBe(2);
    expect(target.stderr).toContain('Target "no-such-branch" is not a commit');
    // a ref that looks like an option is never taken as one
    const dashed = await runCli(['--repo', repo.dir, 'plan', '--from=--output=/tmp/x']);
    expect(dashed.code).toBe(2);
    expect(dashed.stderr).toContain('is not a commit');
  });

  it('outside a repository: exit 2 with the remedy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'da-norepo-'));
    try {
      const result = await runCli(['--repo', dir, 'plan'], { env: { GIT_CEILING_DIRECTORIES: tmpdir() } });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('is not a git repository');
      expect(result.stderr).toContain('--repo');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(process.getuid?.() === 0)(
    'a repository owned by another user: "dubious ownership" with the safe.directory remedy',
    async () => {
      const repo = track(makeRepo());
      repo.writeLines('a.ts', 1);
      repo.commit('one');
      execFileSync('chown', ['-R', '65534:65534', repo.dir]);
      try {
        const result = await runCli(['--repo', repo.dir, 'plan'], {
          env: { HOME: repo.dir, GIT_CONFIG_GLOBAL: '/dev/null' },
        });
        expect(result.code).toBe(2);
        expect(result.stderr).toContain('dubious ownership');
        expect(result.stderr).toContain(`safe.directory=${repo.dir}`);
      } finally {
        chownSync(repo.dir, 0, 0);
        execFileSync('chown', ['-R', '0:0', repo.dir]);
      }
    },
  );
});
