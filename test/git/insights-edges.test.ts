import { afterEach, describe, expect, it } from 'vitest';
import type { Insights } from '../../src/assess/insights-types.js';
import type { Plan } from '../../src/assess/plan-types.js';
import { writeLedger } from '../helpers/history.js';
import type { RecordBody } from '../../src/ledger/record.js';
import { deployEvent } from '../helpers/records.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

// Small repositories, each built for one edge of how insights and the history factor read the past.

const ZONES = `riskZones:
  - name: payments
    paths: ["src/pay/**"]
    risk: high
  - name: auth
    paths: ["src/auth/**"]
    risk: high
`;

const repos: TestRepo[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

function repoWith(policy: string): TestRepo {
  const repo = makeRepo('da-insights-edges-');
  repos.push(repo);
  repo.write('.deployadvisor.yml', `version: 1\n${policy}`);
  return repo;
}

/** Writes `path` and commits it at `date`. */
function change(repo: TestRepo, path: string, subject: string, date: string, body?: string): string {
  repo.write(path, `${subject}\n`);
  return repo.commit(subject, { date, ...(body === undefined ? {} : { body }) });
}

const event = deployEvent;

async function insights(repo: TestRepo, ...args: string[]): Promise<Insights> {
  const result = await runCli(['--repo', repo.dir, '--format', 'json', 'insights', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Insights;
}

async function plan(repo: TestRepo, now: string): Promise<Plan> {
  const result = await runCli([
    '--repo',
    repo.dir,
    '--format',
    'json',
    'plan',
    '--now',
    now,
    '--fail-on',
    'never',
  ]);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Plan;
}

function historyFactor(report: Plan) {
  const factor = report.factors.find((f) => f.id === 'history');
  if (factor === undefined) throw new Error('no history factor');
  return factor;
}

const brief = (report: Insights) =>
  report.deployList.map((d) => ({
    sha: d.sha.slice(0, 7),
    outcome: d.outcome,
    failedBy: d.failedBy,
    commits: d.commits,
    restoredHours: d.restoredHours,
  }));

describe('a --now in the past sees only what was known then', () => {
  /** Pay change deployed on the 2nd and reverted on the 4th; auth change failed on the 3rd, rolled back an hour later. */
  function build() {
    const repo = repoWith(`timezone: UTC\n${ZONES}`);
    const init = change(repo, 'src/app.ts', 'init', '2026-01-01T10:00:00Z');
    const pay = change(repo, 'src/pay/p.ts', 'pay change', '2026-01-02T10:00:00Z');
    const auth = change(repo, 'src/auth/a.ts', 'auth change', '2026-01-03T10:00:00Z');
    repo.git('rm', '-q', 'src/pay/p.ts');
    const revert = repo.commit('Revert "pay change"', {
      date: '2026-01-04T10:00:00Z',
      body: `This reverts commit ${pay}.`,
    });
    writeLedger(repo, [
      event('succeeded', init, '2026-01-01T12:00:00Z'),
      event('succeeded', pay, '2026-01-02T12:00:00Z', { base: init }),
      event('failed', auth, '2026-01-03T12:00:00Z', { base: pay }),
      event('rolled-back', auth, '2026-01-03T13:00:00Z'),
      event('succeeded', revert, '2026-01-04T12:00:00Z', { base: pay }),
    ]);
    return { repo, auth };
  }

  it('insights: no later revert, rollback, deploy or commit', async () => {
    const { repo } = build();
    const then = await insights(repo, '--since', '2025-12-31', '--now', '2026-01-03T12:30:00Z');
    expect(brief(then).map((d) => [d.outcome, d.failedBy, d.restoredHours])).toEqual([
      ['succeeded', null, null],
      ['succeeded', null, null],
      ['failed', 'ledger', null],
    ]);
    expect(then.mainBranch).toMatchObject({ source: 'reverts', total: 3, failed: 0 });

    const later = await insights(repo, '--since', '2025-12-31', '--now', '2026-01-05T00:00:00Z');
    expect(brief(later).map((d) => [d.outcome, d.failedBy, d.restoredHours])).toEqual([
      ['succeeded', null, null],
      ['failed', 'revert', 48],
      ['failed', 'ledger', 1],
      ['succeeded', null, null],
    ]);
    expect(later.mainBranch).toMatchObject({ source: 'reverts', total: 3, failed: 1 });
  });

  it('plan: the history factor counts the deploys and reverts known at --now', async () => {
    const { repo } = build();
    const baseRate = (report: Plan) =>
      historyFactor(report).evidence.find((line) => line.startsWith('base rate'));
    expect(baseRate(await plan(repo, '2026-01-03T12:30:00Z'))).toMatch(/^base rate: 1 of 3 deploys/);
    expect(baseRate(await plan(repo, '2026-01-05T00:00:00Z'))).toMatch(/^base rate: 2 of 4 deploys/);
  });

  it('plan: a new ledger record changes the inputs digest, even one after --now', async () => {
    const { repo, auth } = build();
    const before = (await plan(repo, '2026-01-03T12:30:00Z')).inputsDigest;
    expect((await plan(repo, '2026-01-03T12:30:00Z')).inputsDigest).toBe(before);
    // A failed deploy changes neither the base nor the target: only the ledger's newest record.
    const recorded = await runCli([
      '--repo',
      repo.dir,
      'record',
      'failed',
      '--sha',
      auth,
      '--reason',
      'again',
      '--at',
      '2026-01-06T12:00:00Z',
    ]);
    expect(recorded.code).toBe(0);
    expect((await plan(repo, '2026-01-03T12:30:00Z')).inputsDigest).not.toBe(before);
  });
});

describe('a first deploy whose past is not in the clone', () => {
  function oldHistory(repo: TestRepo): string[] {
    return ['01', '02', '03', '04', '05'].map((month) =>
      change(repo, `src/old${month}.ts`, `old ${month}`, `2025-${month}-01T10:00:00Z`),
    );
  }

  it('a deployed commit that is gone: the first deploy that is here is the baseline, counting its own commit', async () => {
    const repo = repoWith('timezone: UTC\n');
    oldHistory(repo);
    const y = change(repo, 'src/y.ts', 'y', '2026-01-05T10:00:00Z');
    const gone = 'deadbeef'.repeat(5);
    writeLedger(repo, [
      event('succeeded', gone, '2026-01-01T12:00:00Z'),
      event('succeeded', y, '2026-01-05T12:00:00Z', { base: gone }),
    ]);
    const report = await insights(repo, '--since', '2024-12-01', '--now', '2026-01-10T00:00:00Z');
    expect(brief(report).map((d) => [d.sha, d.commits])).toEqual([
      ['deadbee', 0],
      [y.slice(0, 7), 1],
    ]);
    expect(report.diagnostics.map((d) => d.id)).toContain('deploys-not-in-clone');
  });

  it('a first deploy whose base is gone counts only its own commit; the next counts what came after', async () => {
    const repo = repoWith('timezone: UTC\n');
    const old = oldHistory(repo);
    const y = change(repo, 'src/y.ts', 'y', '2026-01-05T10:00:00Z');
    writeLedger(repo, [
      event('succeeded', old[2] ?? '', '2025-03-02T12:00:00Z', { base: 'deadbeef'.repeat(5) }),
      event('succeeded', y, '2026-01-05T12:00:00Z', { base: old[2] ?? '' }),
    ]);
    const report = await insights(repo, '--since', '2024-12-01', '--now', '2026-01-10T00:00:00Z');
    expect(brief(report).map((d) => d.commits)).toEqual([1, 3]);
  });
});

describe('a deploy that failed outright', () => {
  it('leaves its commits to the deploy that took, which a later revert then marks failed', async () => {
    const repo = repoWith(`timezone: UTC\n${ZONES}`);
    const init = change(repo, 'src/app.ts', 'init', '2026-01-01T10:00:00Z');
    const x = change(repo, 'src/pay/x.ts', 'x', '2026-01-02T10:00:00Z');
    const y = change(repo, 'src/y.ts', 'y', '2026-01-03T10:00:00Z');
    repo.git('rm', '-q', 'src/pay/x.ts');
    const revert = repo.commit('Revert "x"', {
      date: '2026-01-04T10:00:00Z',
      body: `This reverts commit ${x}.`,
    });
    writeLedger(repo, [
      event('succeeded', init, '2026-01-01T12:00:00Z'),
      event('failed', x, '2026-01-02T12:00:00Z', { base: init, reason: 'deploy script timeout' }),
      event('succeeded', y, '2026-01-03T12:00:00Z', { base: init }),
      event('succeeded', revert, '2026-01-04T12:00:00Z', { base: y }),
    ]);
    const report = await insights(repo, '--since', '2025-12-01', '--now', '2026-01-10T00:00:00Z');
    expect(brief(report).map((d) => [d.sha, d.failedBy, d.commits, d.restoredHours])).toEqual([
      [init.slice(0, 7), null, 1, null],
      [x.slice(0, 7), 'ledger', 1, 24],
      [y.slice(0, 7), 'revert', 2, 24],
      [revert.slice(0, 7), null, 1, null],
    ]);
    expect(report.deployList[1]?.zones).toEqual(['payments']);
    expect(report.deployList[2]?.zones).toEqual(['payments']);
  });
});

describe('the history factor ranks zones as the plan does', () => {
  it('two equally risky zones: the alphabetically first, whatever the config order', async () => {
    const repo = repoWith(`timezone: UTC\n${ZONES}`);
    change(repo, 'src/app.ts', 'init', '2026-01-01T10:00:00Z');
    const records: RecordBody[] = [];
    for (const day of ['01', '02', '03']) {
      repo.write('src/pay/p.ts', `pay ${day}\n`);
      repo.write('src/auth/a.ts', `auth ${day}\n`);
      const sha = repo.commit(`both ${day}`, { date: `2026-01-${day}T11:00:00Z` });
      records.push(event('failed', sha, `2026-01-${day}T12:00:00Z`));
    }
    writeLedger(repo, records);
    repo.write('src/pay/p.ts', 'pay again\n');
    repo.write('src/auth/a.ts', 'auth again\n');
    repo.commit('both again', { date: '2026-01-05T10:00:00Z' });
    const report = await plan(repo, '2026-01-05T14:00:00Z');
    expect(report.factors.find((f) => f.id === 'zones')?.summary).toContain('the riskiest is auth');
    expect(historyFactor(report).evidence.some((line) => / deploys touching auth failed/.test(line))).toBe(
      true,
    );
    expect(historyFactor(report).evidence.some((line) => /touching payments/.test(line))).toBe(false);
  });
});

describe('main-branch health reads the window, not the deploys', () => {
  it('counts first-parent commits back to --since, before the first deploy', async () => {
    const repo = repoWith('timezone: UTC\n');
    const shas = ['03', '04', '05', '06', '07', '08'].map((month) =>
      change(repo, `src/old${month}.ts`, `old ${month}`, `2025-${month}-01T10:00:00Z`),
    );
    repo.git('rm', '-q', 'src/old06.ts');
    const revert = repo.commit('Revert "old 06"', {
      date: '2025-08-05T10:00:00Z',
      body: `This reverts commit ${shas[3] ?? ''}.`,
    });
    const y = change(repo, 'src/y.ts', 'y', '2026-01-05T10:00:00Z');
    writeLedger(repo, [event('succeeded', y, '2026-01-05T12:00:00Z', { base: revert })]);
    const report = await insights(repo, '--since', '2025-04-15', '--now', '2026-01-10T00:00:00Z');
    // old 05, 06, 07, 08 and y; the revert itself is not counted; old 06 was reverted.
    expect(report.mainBranch).toMatchObject({ source: 'reverts', total: 5, failed: 1 });
  });
});

describe('--since', () => {
  function ledgerRepo() {
    const repo = repoWith('timezone: America/Los_Angeles\n');
    const a = change(repo, 'src/a.ts', 'a', '2026-01-01T10:00:00Z');
    writeLedger(repo, [
      event('succeeded', a, '2026-01-02T07:00:00Z'),
      event('succeeded', a, '2026-01-02T09:00:00Z'),
    ]);
    return repo;
  }

  it('reads a date without an offset in the policy timezone (insights and ledger list)', async () => {
    const repo = ledgerRepo();
    const report = await insights(repo, '--since', '2026-01-02', '--now', '2026-01-10T00:00:00Z');
    expect(report.window.since).toBe('2026-01-02T08:00:00.000Z');
    const list = await runCli([
      '--repo',
      repo.dir,
      '--format',
      'json',
      'ledger',
      'list',
      '--since',
      '2026-01-02',
    ]);
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as Array<{ seq: number }>).map((r) => r.seq)).toEqual([2]);
  });

  it.each([['36501d'], ['5215w'], ['876001h'], ['99999999999999999999d']])(
    '%s is too long: exit 2 naming --since',
    async (since) => {
      const repo = ledgerRepo();
      for (const args of [
        ['insights', '--since', since, '--now', '2026-01-10T00:00:00Z'],
        ['ledger', 'list', '--since', since],
      ]) {
        const result = await runCli(['--repo', repo.dir, ...args]);
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(
          `--since "${since}": too long a duration; at most 36500d, 5214w or 876000h`,
        );
      }
    },
  );

  it('a date out of range or not understood is a usage error, not a crash', async () => {
    const repo = ledgerRepo();
    for (const since of ['+275760-09-14', 'next tuesday']) {
      const result = await runCli(['--repo', repo.dir, 'ledger', 'list', '--since', since]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--since "${since}": expected a duration such as 90d`);
    }
    const early = await runCli([
      '--repo',
      repo.dir,
      'insights',
      '--since',
      '100d',
      '--now=-271821-04-20T00:00:00Z',
    ]);
    expect(early.code).toBe(2);
    expect(early.stderr).toContain('--since "100d": the window would start outside the dates');
  });
});

describe('a rollback of a commit that was never deployed', () => {
  it('rolls back the deploy running then', async () => {
    const repo = repoWith('timezone: UTC\n');
    const r = change(repo, 'src/r.ts', 'r', '2026-01-01T10:00:00Z');
    const s = change(repo, 'src/s.ts', 's', '2026-01-02T10:00:00Z');
    const t = change(repo, 'src/t.ts', 't (not deployed)', '2026-01-03T10:00:00Z');
    writeLedger(repo, [
      event('succeeded', r, '2026-01-01T12:00:00Z'),
      event('succeeded', s, '2026-01-02T12:00:00Z', { base: r }),
      event('rolled-back', t, '2026-01-03T12:00:00Z', { reason: 'error spike' }),
    ]);
    const report = await insights(repo, '--since', '2025-12-01', '--now', '2026-01-10T00:00:00Z');
    expect(brief(report).map((d) => [d.sha, d.outcome, d.restoredHours])).toEqual([
      [r.slice(0, 7), 'succeeded', null],
      [s.slice(0, 7), 'rolled-back', 24],
    ]);
    expect(report.dora.deploymentFrequencyPerWeek.summary).toContain(
      'counted from the first recorded deploy (2026-01-01)',
    );
  });
});
