import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, type LedgerRecord } from '../../src/ledger/record.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli, spawnCli, spawnCliSync } from '../helpers/run.js';

const GIT_ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

async function cli(dir: string, ...args: string[]) {
  return spawnCli(['--repo', dir, ...args], { env: GIT_ENV });
}

function records(dir: string): LedgerRecord[] {
  const { stdout: text } = spawnCliSync(['--repo', dir, 'ledger', 'export'], { env: GIT_ENV });
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LedgerRecord);
}

/** A clone of `origin` that has fetched its ledger too. */
function cloneWithLedger(origin: string, dir: string): void {
  execFileSync('git', ['clone', '-q', origin, dir]);
  execFileSync('git', [
    '-C',
    dir,
    'fetch',
    '-q',
    'origin',
    'refs/deployadvisor/ledger:refs/deployadvisor/ledger',
  ]);
}

/** Writes a ledger-shaped commit with arbitrary record text, as someone with write access could. */
function forgeRecord(dir: string, text: string, parent: string): string {
  const git = (args: string[], input?: string) =>
    execFileSync('git', ['-C', dir, ...args], {
      encoding: 'utf8',
      ...(input === undefined ? {} : { input }),
    }).trim();
  const blob = git(['hash-object', '-w', '--stdin'], text);
  const tree = git(['mktree'], `100644 blob ${blob}\trecord.json\n`);
  return git(['-c', 'user.name=x', '-c', 'user.email=x@x', 'commit-tree', tree, '-p', parent, '-m', 'x']);
}

/** What a user would notice if a command touched their checkout. */
function snapshot(repo: TestRepo) {
  const index = createHash('sha256')
    .update(readFileSync(join(repo.dir, '.git/index')))
    .digest('hex');
  return {
    status: repo.git('status', '--porcelain=v1', '--untracked-files=all'),
    head: repo.git('rev-parse', 'HEAD'),
    symbolic: repo.git('symbolic-ref', 'HEAD'),
    stash: repo.git('stash', 'list'),
    index,
    refs: repo.git('for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads', 'refs/tags'),
  };
}

describe('the ledger', () => {
  let origin: string;
  let a: TestRepo;
  beforeAll(() => {
    a = makeRepo();
    a.writeLines('src/app.ts', 10);
    a.commit('one');
    a.writeLines('src/app.ts', 20);
    a.commit('two');
    origin = mkdtempSync(join(tmpdir(), 'da-origin-'));
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', origin]);
    a.git('remote', 'add', 'origin', origin);
    a.git('push', '-q', 'origin', 'main');
  });
  afterAll(() => {
    a.cleanup();
    rmSync(origin, { recursive: true, force: true });
  });

  it('never touches the working tree, index, HEAD, branches or stash', async () => {
    a.write('src/app.ts', 'uncommitted edit\n');
    a.git('stash', 'push', '-q', '-m', 'keep me');
    a.write('src/app.ts', 'another edit\n');
    a.write('untracked.txt', 'x\n');
    a.git('add', 'untracked.txt');
    const before = snapshot(a);
    expect(
      (await cli(a.dir, 'record', 'succeeded', '--sha', 'HEAD~1', '--at', '2026-11-01T10:00:00Z')).code,
    ).toBe(0);
    expect((await cli(a.dir, 'record', 'started')).code).toBe(0);
    expect((await cli(a.dir, 'ledger', 'list')).code).toBe(0);
    expect((await cli(a.dir, 'ledger', 'verify')).code).toBe(0);
    expect((await cli(a.dir, 'ledger', 'push')).code).toBe(0);
    expect((await cli(a.dir, 'ledger', 'pull')).code).toBe(0);
    expect((await cli(a.dir, 'ledger', 'export')).code).toBe(0);
    expect((await cli(a.dir, 'explain', 'HEAD')).code).toBe(0);
    expect(snapshot(a)).toEqual(before);
    a.git('reset', '-q', '--hard');
    a.git('stash', 'drop', '-q');
  });

  it('records are canonical JSON, numbered, chained and redacted', async () => {
    const recorded = await cli(
      a.dir,
      'record',
      'failed',
      '--reason',
      'token ghp_abcdefghijklmnopqrstuvwxyz0123 leaked in https://user:hunter2@example.com/x',
    );
    expect(recorded.code).toBe(0);
    const all = records(a.dir);
    expect(all.map((r) => r.seq)).toEqual(all.map((_, i) => i + 1));
    for (const [i, r] of all.entries()) expect(r.prev).toBe(i === 0 ? null : all[i - 1]?.id);
    const last = all[all.length - 1];
    expect(last?.reason).toBe('token [redacted] leaked in https://user:[redacted]@example.com/x');
    expect(all[0]).toMatchObject({ type: 'succeeded', backfilled: true, at: '2026-11-01T10:00:00Z' });
    const raw = execFileSync('git', ['cat-file', 'blob', 'refs/deployadvisor/ledger:record.json'], {
      cwd: a.dir,
      encoding: 'utf8',
    });
    expect(raw).toBe(canonicalJson(last));
  });

  it('failed and rolled-back need a reason; bad input exits 2', async () => {
    expect((await cli(a.dir, 'record', 'rolled-back')).code).toBe(2);
    expect((await cli(a.dir, 'record', 'deployed')).stderr).toContain(
      'expected one of started, succeeded, failed, rolled-back',
    );
    expect((await cli(a.dir, 'record', 'started', '--sha', 'nope')).stderr).toContain(
      '--sha nope: not a commit',
    );
    expect((await cli(a.dir, 'record', 'started', '--at', 'yesterday')).code).toBe(2);
  });

  it('20 concurrent writers lose nothing, and two clones pushing lose nothing', async () => {
    const b = mkdtempSync(join(tmpdir(), 'da-clone-b-'));
    try {
      // b is cloned now and never pulls the ledger before pushing.
      execFileSync('git', ['clone', '-q', origin, b]);
      execFileSync('git', ['-C', b, 'config', 'user.name', 'Bea']);
      execFileSync('git', ['-C', b, 'config', 'user.email', 'bea@example.com']);
      const before = records(a.dir).length;
      const results = await Promise.all([
        ...Array.from({ length: 5 }, (_, i) => cli(a.dir, 'record', 'started', '--reason', `a-${i}`)),
        ...Array.from({ length: 5 }, () =>
          cli(a.dir, 'plan', '--record', '--fail-on', 'never', '--now', '2026-11-23T10:00:00Z'),
        ),
        ...Array.from({ length: 10 }, (_, i) => cli(b, 'record', 'started', '--reason', `b-${i}`)),
      ]);
      expect(results.filter((r) => r.code !== 0).map((r) => r.stderr)).toEqual([]);
      await Promise.all([cli(a.dir, 'ledger', 'push'), cli(b, 'ledger', 'push')]);
      // whichever lost the race re-appended on top and pushed again; the other side pulls
      expect((await cli(a.dir, 'ledger', 'push')).code).toBe(0);
      expect((await cli(b, 'ledger', 'push')).code).toBe(0);
      expect((await cli(a.dir, 'ledger', 'pull')).code).toBe(0);
      const merged = records(a.dir);
      const reasons = merged
        .map((r) => r.reason)
        .filter((r): r is string => r !== null && /^[ab]-\d$/.test(r));
      expect(reasons.sort()).toEqual(
        [
          ...Array.from({ length: 5 }, (_, i) => `a-${i}`),
          ...Array.from({ length: 10 }, (_, i) => `b-${i}`),
        ].sort(),
      );
      expect(merged.filter((r) => r.type === 'plan')).toHaveLength(5);
      expect(merged).toHaveLength(before + 20);
      const verify = await cli(a.dir, 'ledger', 'verify');
      expect(verify.stdout).toContain('integrity: OK');
      expect(verify.stdout).toContain('completeness: OK against origin');
      expect(verify.code).toBe(0);
      const remote = execFileSync(
        'git',
        ['--git-dir', origin, 'rev-list', '--count', 'refs/deployadvisor/ledger'],
        { encoding: 'utf8' },
      );
      expect(Number(remote)).toBe(before + 20);
    } finally {
      rmSync(b, { recursive: true, force: true });
    }
  });

  it('an edited record fails verify, naming it (exit 4)', async () => {
    const c = mkdtempSync(join(tmpdir(), 'da-tamper-'));
    try {
      cloneWithLedger(origin, c);
      // Rewrite record #2's reason and re-chain the commits after it, as an attacker with push access would.
      const commits = execFileSync('git', ['-C', c, 'rev-list', '--reverse', 'refs/deployadvisor/ledger'], {
        encoding: 'utf8',
      })
        .trim()
        .split('\n');
      let parent = commits[0] ?? '';
      for (const [i, commit] of commits.slice(1).entries()) {
        let text = execFileSync('git', ['-C', c, 'cat-file', 'blob', `${commit}:record.json`], {
          encoding: 'utf8',
        });
        if (i === 0) text = text.replace(/"reason":(null|"[^"]*")/, '"reason":"nothing happened"');
        parent = forgeRecord(c, text, parent);
      }
      execFileSync('git', ['-C', c, 'update-ref', 'refs/deployadvisor/ledger', parent]);
      const verify = await cli(c, 'ledger', 'verify');
      expect(verify.code).toBe(4);
      expect(verify.stdout).toContain('integrity: FAILED at record 2');
      expect(verify.stdout).toContain('does not match its hash');
    } finally {
      rmSync(c, { recursive: true, force: true });
    }
  });

  it('a tampered chain is never merged by pull or push (no laundering); a malformed tip stops appends', async () => {
    const e = mkdtempSync(join(tmpdir(), 'da-launder-'));
    try {
      cloneWithLedger(origin, e);
      const tip = execFileSync('git', ['-C', e, 'rev-parse', 'refs/deployadvisor/ledger'], {
        encoding: 'utf8',
      }).trim();
      const parent = execFileSync('git', ['-C', e, 'rev-parse', `${tip}~1`], { encoding: 'utf8' }).trim();
      const bad = forgeRecord(e, '{"edited":true}', parent);
      execFileSync('git', ['-C', e, 'update-ref', 'refs/deployadvisor/ledger', bad]);
      const recordResult = await cli(e, 'record', 'started');
      expect(recordResult.code).toBe(4);
      expect(recordResult.stderr).toContain('is malformed, so nothing is appended to it');
      expect(recordResult.stderr).not.toContain('internal error');
      const pull = await cli(e, 'ledger', 'pull');
      expect(pull.code).toBe(4);
      expect(pull.stderr).toContain('the local ledger fails verification');
      const verify = await cli(e, 'ledger', 'verify');
      expect(verify.code).toBe(4);
    } finally {
      rmSync(e, { recursive: true, force: true });
    }
  });

  it('a rewritten remote is reported, not mistaken for unpushed records', async () => {
    const f = mkdtempSync(join(tmpdir(), 'da-rewrite-'));
    const mirror = mkdtempSync(join(tmpdir(), 'da-mirror-'));
    try {
      execFileSync('git', ['clone', '-q', '--mirror', origin, mirror]);
      cloneWithLedger(mirror, f);
      expect((await cli(f, 'ledger', 'verify')).code).toBe(0);
      // Someone force-pushes the remote ledger back by two records.
      execFileSync('git', [
        '--git-dir',
        mirror,
        'update-ref',
        'refs/deployadvisor/ledger',
        'refs/deployadvisor/ledger~2',
      ]);
      const verify = await cli(f, 'ledger', 'verify');
      expect(verify.code).toBe(4);
      expect(verify.stdout).toContain('moved backwards or was replaced since this clone last fetched it');
    } finally {
      rmSync(f, { recursive: true, force: true });
      rmSync(mirror, { recursive: true, force: true });
    }
  });

  it('a clone whose ledger was truncated is caught by completeness against the remote', async () => {
    const d = mkdtempSync(join(tmpdir(), 'da-trunc-'));
    try {
      cloneWithLedger(origin, d);
      const cut = execFileSync('git', ['-C', d, 'rev-parse', 'refs/deployadvisor/ledger~3'], {
        encoding: 'utf8',
      }).trim();
      execFileSync('git', ['-C', d, 'update-ref', 'refs/deployadvisor/ledger', cut]);
      const verify = await cli(d, 'ledger', 'verify');
      expect(verify.stdout).toContain('integrity: OK');
      expect(verify.stdout).toContain('completeness: FAILED — origin has 3 record(s) this clone lacks');
      expect(verify.code).toBe(4);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('explain', () => {
  let repo: TestRepo;
  beforeAll(() => {
    repo = makeRepo();
    repo.writeLines('src/app.ts', 10);
    repo.commit('base');
    repo.writeLines('src/app.ts', 30);
    repo.commit('feature: retry', {
      trailers: ['Co-authored-by: Claude <noreply@anthropic.com>', 'Reviewed-by: Rita <rita@example.com>'],
      date: '2026-11-10T09:00:00Z',
    });
    repo.writeLines('src/app.ts', 40);
    repo.commit('later work');
    repo.write('.deployadvisor.yml', 'environments:\n  staging: {}\n  production: {}\n');
    repo.commit('policy');
  });
  afterAll(() => {
    repo.cleanup();
  });

  it('shows every deploy that carried a commit, per environment, with lead time', async () => {
    const feature = repo.git('rev-parse', 'HEAD~2').trim();
    expect(
      (
        await runCli([
          '--repo',
          repo.dir,
          'record',
          'succeeded',
          '--env',
          'staging',
          '--sha',
          'HEAD~1',
          '--at',
          '2026-11-10T12:00:00Z',
        ])
      ).code,
    ).toBe(0);
    expect(
      (
        await runCli([
          '--repo',
          repo.dir,
          'record',
          'failed',
          '--env',
          'production',
          '--sha',
          'HEAD~1',
          '--reason',
          'error spike',
          '--at',
          '2026-11-11T09:00:00Z',
        ])
      ).code,
    ).toBe(0);
    expect(
      (
        await runCli([
          '--repo',
          repo.dir,
          'record',
          'succeeded',
          '--env',
          'production',
          '--sha',
          'HEAD',
          '--at',
          '2026-11-12T09:00:00Z',
        ])
      ).code,
    ).toBe(0);
    const result = await runCli(['--repo', repo.dir, '--format', 'json', 'explain', feature]);
    expect(result.code).toBe(0);
    const e = JSON.parse(result.stdout) as {
      commit: { ai: Array<{ tool: string }>; review: unknown[] };
      environments: Array<{
        env: string;
        shipped: { at: string } | null;
        leadTimeHours: number | null;
        records: Array<{ type: string; reason: string | null }>;
      }>;
      retrospective: unknown;
    };
    expect(e.commit.ai[0]?.tool).toBe('claude');
    expect(e.commit.review).toHaveLength(1);
    expect(e.environments.map((env) => env.env)).toEqual(['production', 'staging']);
    expect(e.environments[0]).toMatchObject({ shipped: { at: '2026-11-12T09:00:00Z' }, leadTimeHours: 48 });
    expect(e.environments[0]?.records.map((r) => [r.type, r.reason])).toEqual([
      ['failed', 'error spike'],
      ['succeeded', null],
    ]);
    expect(e.environments[1]).toMatchObject({ shipped: { at: '2026-11-10T12:00:00Z' }, leadTimeHours: 3 });
    expect(e.retrospective).toBeNull();
    const text = await runCli(['--repo', repo.dir, 'explain', feature]);
    expect(text.stdout).toContain('PRODUCTION');
    expect(text.stdout).toContain('reason: "error spike"');
  });

  it('a commit no record carries gets a retrospective assessment, labelled as computed now', async () => {
    repo.writeLines('src/new.ts', 5);
    const fresh = repo.commit('not deployed');
    const result = await runCli(['--repo', repo.dir, 'explain', fresh]);
    expect(result.stdout).toContain(
      'Retrospective assessment (computed now — no ledger record carries this commit)'.toUpperCase(),
    );
  });
});

describe('plan and the ledger', () => {
  let repo: TestRepo;
  beforeAll(() => {
    repo = makeRepo();
    repo.write(
      '.deployadvisor.yml',
      'environments:\n  production:\n    rollback:\n      command: "deploy --sha {previousSha}"\n',
    );
    repo.writeLines('src/app.ts', 10);
    repo.commit('one');
    repo.write('db/migrations/001_users.up.sql', 'CREATE TABLE users (id int);\n');
    repo.write('db/migrations/001_users.down.sql', 'DROP TABLE users;\n');
    repo.commit('users table');
    repo.writeLines('src/app.ts', 20);
    repo.commit('three');
    repo.writeLines('src/app.ts', 30);
    repo.commit('four');
  });
  afterAll(() => {
    repo.cleanup();
  });
  const plan = async (...args: string[]) => {
    const result = await runCli([
      '--repo',
      repo.dir,
      '--format',
      'json',
      'plan',
      '--now',
      '2026-11-23T10:00:00Z',
      ...args,
    ]);
    return { ...result, plan: JSON.parse(result.stdout) as import('../../src/assess/plan-types.js').Plan };
  };

  it('the last successful deploy is the base, the deployed tree and the rollback target', async () => {
    const deployed = repo.git('rev-parse', 'HEAD~1').trim();
    await runCli([
      '--repo',
      repo.dir,
      'record',
      'succeeded',
      '--sha',
      deployed,
      '--at',
      '2026-11-20T10:00:00Z',
    ]);
    await runCli([
      '--repo',
      repo.dir,
      'record',
      'failed',
      '--sha',
      'HEAD',
      '--reason',
      'boom',
      '--at',
      '2026-11-21T10:00:00Z',
    ]);
    const { plan: p } = await plan();
    expect(p.range).toMatchObject({ from: deployed, fromSource: 'ledger', commits: 1 });
    expect(p.range.note).toContain('last successful production deploy in the ledger (#1');
    expect(p.rollback.targetSha).toBe(deployed);
    expect(p.rollback.command).toBe(`deploy --sha ${deployed}`);
    // From an older base, the migration the deployed tree already has is named and skipped.
    const first = repo.git('rev-list', '--max-parents=0', 'HEAD').trim();
    const older = await plan('--from', first);
    expect(older.plan.factors.find((f) => f.id === 'migrations')?.evidence).toEqual([
      'db/migrations/001_users.up.sql: already applied (present in the deployed tree), skipped',
    ]);
  });

  it('plan --record stores the plan; --override is recorded as an override with its reason; --dry-run records nothing', async () => {
    const before = records(repo.dir).length;
    const recorded = await plan('--record');
    expect(recorded.stderr).toContain('recorded plan #');
    const dry = await plan('--record', '--dry-run');
    expect(dry.stderr).toBe('');
    await runCli([
      '--repo',
      repo.dir,
      'plan',
      '--now',
      '2026-11-23T10:00:00Z',
      '--record',
      '--override',
      'INC-9 hotfix',
      '--fail-on',
      'never',
    ]);
    const all = records(repo.dir);
    const added = all.slice(before);
    expect(added.map((r) => r.type)).toEqual(['plan', 'plan']);
    expect(added[0]?.plan).toMatchObject({
      verdict: recorded.plan.verdict,
      score: recorded.plan.score,
      policySource: 'file',
    });
    expect(added[0]?.plan?.policyBlob).toBe(recorded.plan.policy.blobSha);
    expect(added[0]?.plan?.factors).toHaveLength(recorded.plan.factors.length);
    expect(added[0]?.base).toBe(recorded.plan.range.from);
  });

  it('a rollback moves the base back to the deploy before it, and explain still shows the failure', async () => {
    const head = repo.git('rev-parse', 'HEAD').trim();
    const previous = repo.git('rev-parse', 'HEAD~1').trim();
    await runCli(['--repo', repo.dir, 'record', 'succeeded', '--sha', head, '--at', '2026-11-22T10:00:00Z']);
    await runCli([
      '--repo',
      repo.dir,
      'record',
      'failed',
      '--sha',
      head,
      '--reason',
      'INC-7 5xx',
      '--at',
      '2026-11-22T11:00:00Z',
    ]);
    await runCli([
      '--repo',
      repo.dir,
      'record',
      'rolled-back',
      '--sha',
      head,
      '--reason',
      'INC-7',
      '--at',
      '2026-11-22T11:05:00Z',
    ]);
    const { plan: p } = await plan();
    expect(p.range.from).toBe(previous);
    expect(p.rollback.targetSha).toBe(previous);
    const explained = await runCli(['--repo', repo.dir, '--format', 'json', 'explain', head]);
    const e = JSON.parse(explained.stdout) as {
      environments: Array<{ records: Array<{ type: string; reason: string | null }> }>;
    };
    const types = e.environments[0]?.records.map((r) => r.type) ?? [];
    expect(types).toEqual(expect.arrayContaining(['succeeded', 'failed', 'rolled-back']));
  });

  it('an overridden WAIT is recorded as type override with the actor', async () => {
    repo.write('.deployadvisor.yml', 'thresholds: { waitAt: 1, blockAt: 100 }\n');
    repo.git('config', 'user.name', 'Test Author');
    repo.git('config', 'user.email', 'author@example.com');
    try {
      await runCli([
        '--repo',
        repo.dir,
        'plan',
        '--now',
        '2026-11-23T10:00:00Z',
        '--record',
        '--override',
        'INC-9 hotfix',
      ]);
      const last = records(repo.dir).at(-1);
      expect(last).toMatchObject({
        type: 'override',
        reason: 'INC-9 hotfix',
        plan: { verdict: 'GO', overriddenFrom: 'WAIT' },
      });
      expect(last?.actor.name).toBe('Test Author');
    } finally {
      repo.git('checkout', '-q', '--', '.deployadvisor.yml');
    }
  });
});
