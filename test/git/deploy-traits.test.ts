import { afterEach, describe, expect, it } from 'vitest';
import type { Factor } from '../../src/assess/plan-types.js';
import type { LedgerRecord } from '../../src/ledger/record.js';
import { writeLedger } from '../helpers/history.js';
import { deployEvent as event } from '../helpers/records.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli, runPlanJson } from '../helpers/run.js';

// `record` and `ledger import` store what each deploy shipped (its traits, and the reverts and fixes
// among its commits) in the record, so a plan's history factor reads the ledger and not git; the
// answer is the one git gives, and a policy that counts differently reads git again.

const repos: TestRepo[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

const lines = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => `export const v${i} = '${tag}-${i}';`).join('\n') + '\n';

const POLICY = `version: 1
timezone: UTC
riskZones:
  - name: payments
    risk: high
    paths: ["src/payments/**"]
`;

/**
 * Six deploys: init; a payments feature (AI-assisted); docs; a fix of the feature's lines (SZZ); a
 * change that a later commit reverts; and the revert. Each is recorded with `record succeeded`.
 */
/** A repository removed after each test. */
function tracked(prefix: string): TestRepo {
  const repo = makeRepo(prefix);
  repos.push(repo);
  return repo;
}

function build() {
  const repo = tracked('da-traits-');
  repo.write('.deployadvisor.yml', POLICY);
  repo.write('src/base.ts', lines(3, 'base'));
  const init = repo.commit('init', { date: '2026-01-01T10:00:00Z' });
  repo.write('src/payments/charge.ts', lines(20, 'charge'));
  const feature = repo.commit('add charging', {
    date: '2026-01-02T10:00:00Z',
    trailers: ['Co-authored-by: Claude <noreply@anthropic.com>'],
  });
  repo.write('README.md', 'docs\n');
  const docs = repo.commit('docs: explain charging', { date: '2026-01-03T10:00:00Z' });
  repo.write('src/payments/charge.ts', lines(20, 'charge').replace("'charge-3'", "'fixed-3'"));
  const fix = repo.commit('fix: double charge when v3 is empty', { date: '2026-01-05T10:00:00Z' });
  repo.write('src/base.ts', lines(6, 'base'));
  const risky = repo.commit('grow the base', { date: '2026-01-06T10:00:00Z' });
  repo.write('src/base.ts', lines(3, 'base'));
  const revert = repo.commit(`Revert "grow the base"`, {
    date: '2026-01-07T10:00:00Z',
    body: `This reverts commit ${risky}.`,
  });
  const deploys = [
    [init, '2026-01-01T12:00:00Z'],
    [feature, '2026-01-02T12:00:00Z'],
    [docs, '2026-01-03T12:00:00Z'],
    [fix, '2026-01-05T12:00:00Z'],
    [risky, '2026-01-06T12:00:00Z'],
    [revert, '2026-01-07T12:00:00Z'],
  ] as const;
  return { repo, init, feature, docs, fix, risky, revert, deploys };
}

async function recordAll(repo: TestRepo, deploys: ReadonlyArray<readonly [string, string]>) {
  for (const [sha, at] of deploys) {
    const result = await runCli(['--repo', repo.dir, 'record', 'succeeded', '--sha', sha, '--at', at]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  }
}

async function records(repo: TestRepo): Promise<LedgerRecord[]> {
  const result = await runCli(['--repo', repo.dir, '--format', 'json', 'ledger', 'list']);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as LedgerRecord[];
}

/** The history factor's read of what past deploys shipped (the change profile's read has --no-walk). */
const HISTORY_READ = /git log -z --numstat -M --no-ext-diff --no-textconv --format=\S+ --stdin/;

/** `plan` the day after the last deploy, logging the git commands it runs. */
const verbosePlan = (repo: TestRepo) =>
  runCli([
    '--repo',
    repo.dir,
    '--verbose',
    '--format',
    'json',
    'plan',
    '--now',
    '2026-01-08T10:00:00Z',
    '--fail-on',
    'never',
  ]);

const historyOf = (factors: readonly Factor[]) => factors.find((factor) => factor.id === 'history');

describe('deploy traits in ledger records', () => {
  it('record stores what each deploy shipped, and the reverts and fixes it shipped', async () => {
    const { repo, init, feature, docs, fix, risky, revert, deploys } = build();
    await recordAll(repo, deploys);
    const traits = (await records(repo)).map((record) => record.traits);
    expect(traits.map((t) => t?.shipped)).toEqual([[init], [feature], [docs], [fix], [risky], [revert]]);
    expect(traits[1]).toMatchObject({ lines: 20, aiLines: 20, zones: ['payments'], reverts: [], fixes: [] });
    // The README is not code: docs shipped no code lines.
    expect(traits[2]).toMatchObject({ lines: 0, zones: [] });
    expect(traits[3]?.fixes).toEqual([{ by: fix, at: '2026-01-05T10:00:00+00:00', induced: [feature] }]);
    expect(traits[5]?.reverts).toEqual([
      { by: revert, reverted: risky, at: '2026-01-07T10:00:00+00:00', how: 'sha' },
    ]);
    expect(new Set(traits.map((t) => t?.classifier)).size).toBe(1);
  });

  it('plan reads the history from the traits, reads no git for it, and agrees with git', async () => {
    const { repo, deploys } = build();
    await recordAll(repo, deploys);
    const stored = await verbosePlan(repo);
    expect(stored.code).toBe(0);
    // No history read: neither the deploys' line counts nor their messages.
    expect(stored.stderr).not.toMatch(HISTORY_READ);
    expect(stored.stderr).not.toMatch(/git log -z --no-ext-diff/);
    expect(stored.stderr).not.toContain('git blame');

    // The same deploys written without traits: the history factor reads git, and says the same.
    const bare = tracked('da-traits-bare-');
    bare.git('fetch', '-q', repo.dir, 'main');
    bare.git('reset', '-q', '--hard', 'FETCH_HEAD');
    writeLedger(
      bare,
      deploys.map(([sha, at], index) =>
        event('succeeded', sha, at, { base: index === 0 ? null : (deploys[index - 1]?.[0] ?? null) }),
      ),
    );
    const fromGit = await verbosePlan(bare);
    expect(fromGit.stderr).toMatch(HISTORY_READ);
    const a = historyOf((JSON.parse(stored.stdout) as { factors: Factor[] }).factors);
    const b = historyOf((JSON.parse(fromGit.stdout) as { factors: Factor[] }).factors);
    expect(a).toEqual(b);
    // Two of the six failed: the feature (fixed) and the grown base (reverted).
    expect(a?.evidence[0]).toContain('2 of 6 deploys');
  });

  it('a policy that counts differently reads git again', async () => {
    const { repo, deploys } = build();
    await recordAll(repo, deploys);
    repo.write('.deployadvisor.yml', `${POLICY}  - name: core\n    risk: high\n    paths: ["src/base.ts"]\n`);
    const result = await runPlanJson(repo.dir, ['--verbose', '--fail-on', 'never'], {
      now: '2026-01-08T10:00:00Z',
    });
    expect(result.stderr).toMatch(HISTORY_READ);
    expect(historyOf(result.plan.factors)?.evidence[0]).toContain('2 of 6 deploys');
  });

  it('ledger import stores traits when the imported deploys come after the recorded ones', async () => {
    const { repo, deploys, feature } = build();
    for (const [index, [sha]] of deploys.entries()) repo.git('tag', `v1.0.${index}`, sha);
    const result = await runCli(['--repo', repo.dir, 'ledger', 'import', '--tags', 'v*']);
    expect(result.code).toBe(0);
    const imported = await records(repo);
    expect(imported).toHaveLength(6);
    expect(imported.every((record) => record.traits !== undefined)).toBe(true);
    expect(imported[1]?.traits?.shipped).toEqual([feature]);
  });
});

describe('traits that no longer hold', () => {
  it('a void of an earlier deploy sends the plan back to git', async () => {
    const { repo, deploys } = build();
    await recordAll(repo, deploys);
    // The docs deploy (#3) is voided: what #4 shipped was counted after it, so its traits no longer hold.
    const voided = await runCli(['--repo', repo.dir, 'ledger', 'void', '3', '--reason', 'never happened']);
    expect(voided.code).toBe(0);
    const result = await verbosePlan(repo);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(HISTORY_READ);
  });

  it('a backdated deploy between two recorded ones sends the plan back to git', async () => {
    const { repo, deploys, docs } = build();
    await recordAll(
      repo,
      deploys.filter(([sha]) => sha !== docs),
    );
    const late = await runCli([
      '--repo',
      repo.dir,
      'record',
      'succeeded',
      '--sha',
      docs,
      '--at',
      '2026-01-03T12:00:00Z',
    ]);
    expect(late.code).toBe(0);
    expect((await verbosePlan(repo)).stderr).toMatch(HISTORY_READ);
  });

  it('a commit that reverts two keeps both links', async () => {
    const repo = tracked('da-traits-two-reverts-');
    repo.write('.deployadvisor.yml', POLICY);
    repo.write('src/a.ts', lines(3, 'a'));
    const init = repo.commit('init', { date: '2026-01-01T10:00:00Z' });
    repo.write('src/b.ts', lines(5, 'b'));
    const b = repo.commit('add b', { date: '2026-01-02T10:00:00Z' });
    repo.write('src/c.ts', lines(5, 'c'));
    const c = repo.commit('add c', { date: '2026-01-02T11:00:00Z' });
    repo.git('rm', '-q', 'src/b.ts', 'src/c.ts');
    const revert = repo.commit('Revert b and c', {
      date: '2026-01-03T10:00:00Z',
      body: `This reverts commit ${b}.\nThis reverts commit ${c}.`,
    });
    await recordAll(repo, [
      [init, '2026-01-01T12:00:00Z'],
      [c, '2026-01-02T12:00:00Z'],
      [revert, '2026-01-03T12:00:00Z'],
    ]);
    const last = (await records(repo)).at(-1);
    expect(last?.traits?.reverts.map((link) => link.reverted).sort()).toEqual([b, c].sort());
  });

  it('a shallow clone records no traits (what lies past its boundary is unknown)', async () => {
    const { repo, deploys } = build();
    await recordAll(repo, deploys.slice(0, 5));
    const shallow = tracked('da-traits-shallow-');
    shallow.git('fetch', '-q', '--depth', '1', `file://${repo.dir}`, 'main');
    shallow.git('reset', '-q', '--hard', 'FETCH_HEAD');
    shallow.git('fetch', '-q', `file://${repo.dir}`, 'refs/deployadvisor/ledger:refs/deployadvisor/ledger');
    const [sha, at] = deploys[5] ?? ['', ''];
    const result = await runCli(['--repo', shallow.dir, 'record', 'succeeded', '--sha', sha, '--at', at]);
    expect(result.code).toBe(0);
    const last = (await records(shallow)).at(-1);
    expect(last?.sha).toBe(sha);
    expect(last?.traits).toBeUndefined();
  });
});

describe('malformed traits', () => {
  const good = {
    classifier: '0123456789abcdef',
    after: null,
    shipped: ['a'.repeat(40)],
    lines: 3,
    aiLines: 0,
    zones: [],
    reverts: [],
    fixes: [],
  };
  const hostile: Array<[string, unknown]> = [
    ['a short commit id', { ...good, shipped: ['abc123'] }],
    ['a negative line count', { ...good, lines: -1 }],
    ['a fractional line count', { ...good, aiLines: 0.5 }],
    ['an extra key', { ...good, extra: true }],
    ['a missing key', { ...good, fixes: undefined }],
    [
      'a revert matched some other way',
      { ...good, reverts: [{ by: 'a'.repeat(40), reverted: 'b'.repeat(40), at: 'x', how: 'magic' }] },
    ],
    [
      'an induced id that is not hex',
      { ...good, fixes: [{ by: 'a'.repeat(40), at: 'x', induced: ['z'.repeat(40)] }] },
    ],
    ['an array', [good]],
    ['a digest of the wrong length', { ...good, classifier: 'abc' }],
  ];
  it.each(hostile)('ledger verify names %s as a malformed record (exit 4)', async (_name, traits) => {
    const repo = tracked('da-traits-bad-');
    repo.write('src/a.ts', lines(2, 'a'));
    const sha = repo.commit('a', { date: '2026-01-01T10:00:00Z' });
    writeLedger(repo, [{ ...event('succeeded', sha, '2026-01-01T12:00:00Z'), traits } as never]);
    const verify = await runCli(['--repo', repo.dir, 'ledger', 'verify']);
    expect(verify.code).toBe(4);
    expect(verify.stdout + verify.stderr).toContain('traits expected deploy traits');
  });
});
