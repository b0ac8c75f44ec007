import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli, spawnPlanJson } from '../helpers/run.js';
import { schemaErrorsText, schemaValidator } from '../helpers/schemas.js';

const validPlan = schemaValidator('plan');

/** The built binary's JSON plan, checked against docs/plan.schema.json before any test reads it. */
async function plan(...args: Parameters<typeof spawnPlanJson>): ReturnType<typeof spawnPlanJson> {
  const result = await spawnPlanJson(...args);
  expect(validPlan(result.plan), schemaErrorsText(validPlan.errors)).toBe(true);
  return result;
}

/** A critical payments zone and irreversible migrations are hard gates: touching either is BLOCK. */
const GATED_POLICY = `riskZones:
  - name: payments
    paths: ["src/payments/**"]
    risk: critical
thresholds: { hardGates: [zones, migrations] }
`;

const repos: TestRepo[] = [];
function gatedRepo(): { repo: TestRepo; base: string } {
  const repo = makeRepo('da-wrong-go-');
  repos.push(repo);
  repo.write('.deployadvisor.yml', GATED_POLICY);
  repo.writeLines('src/payments/charge.ts', 30, 'charge');
  repo.writeLines('src/app.ts', 10);
  repo.write('db/migrations/001_users.up.sql', 'CREATE TABLE users (id int);\n');
  repo.write('db/migrations/001_users.down.sql', 'DROP TABLE users;\n');
  const base = repo.commit('initial');
  return { repo, base };
}

afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

/** `git mv`, creating the destination folder first. */
function move(repo: TestRepo, from: string, to: string): void {
  mkdirSync(dirname(join(repo.dir, to)), { recursive: true });
  repo.git('mv', from, to);
}

function expectBlockedBy(result: Awaited<ReturnType<typeof plan>>, gate: string): void {
  expect(result.plan.verdict).toBe('BLOCK');
  expect(result.code).toBe(4);
  expect(result.plan.gates.map((g) => g.id)).toContain(gate);
}

describe('a file moved or copied out of a risk zone', () => {
  it('a rename counts for the zone of its old path (git mv, then an edit)', async () => {
    const { repo, base } = gatedRepo();
    move(repo, 'src/payments/charge.ts', 'src/other/charge.ts');
    repo.writeLines('src/other/charge.ts', 32, 'charge');
    repo.commit('move charge out of payments');
    const result = await plan(repo.dir, ['--from', base]);
    expectBlockedBy(result, 'critical-zone');
    expect(result.plan.zones).toEqual([
      { name: 'payments', risk: 100, files: ['src/other/charge.ts'], owners: [] },
    ]);
  });

  it('a rename spread over several commits counts too', async () => {
    const { repo, base } = gatedRepo();
    move(repo, 'src/payments/charge.ts', 'src/other/charge.ts');
    repo.commit('move');
    repo.writeLines('src/other/charge.ts', 31, 'charge');
    repo.commit('edit');
    move(repo, 'src/other/charge.ts', 'src/billing/charge.ts');
    repo.commit('move again');
    expectBlockedBy(await plan(repo.dir, ['--from', base]), 'critical-zone');
  });

  it('a copy of a zone file, edited, counts for the zone it was copied from', async () => {
    const { repo, base } = gatedRepo();
    repo.writeLines('src/other/charge.ts', 31, 'charge');
    repo.commit('copy charge');
    expectBlockedBy(await plan(repo.dir, ['--from', base]), 'critical-zone');
  });

  it('a migration moved out of the migrations folder is still a migration', async () => {
    const { repo, base } = gatedRepo();
    move(repo, 'db/migrations/001_users.up.sql', 'db/old/001_users.up.sql');
    repo.write('db/old/001_users.up.sql', 'CREATE TABLE users (id int);\nDROP TABLE accounts;\n');
    repo.commit('move a migration and drop a table');
    const result = await plan(repo.dir, ['--from', base]);
    expectBlockedBy(result, 'irreversible-migration');
    expect(result.plan.rollback.migrations.map((m) => m.path)).toEqual(['db/old/001_users.up.sql']);
  });

  it('moving a zone file into a low-risk folder does not make it low risk', async () => {
    const { repo, base } = gatedRepo();
    move(repo, 'src/payments/charge.ts', 'docs/charge.ts');
    repo.commit('park it in docs');
    const result = await plan(repo.dir, ['--from', base]);
    expectBlockedBy(result, 'critical-zone');
  });
});

describe('paths with a newline', () => {
  it('a zone file whose name holds a newline is in the zone', async () => {
    const { repo, base } = gatedRepo();
    repo.writeLines('src/payments/charge\n.ts', 10, 'charge');
    repo.commit('a charge file with a newline in its name');
    const result = await plan(repo.dir, ['--from', base]);
    expectBlockedBy(result, 'critical-zone');
    expect(result.plan.zones[0]?.files).toEqual(['src/payments/charge\n.ts']);
  });

  it('a migration whose name holds a newline is read and judged', async () => {
    const { repo, base } = gatedRepo();
    repo.write('db/migrations/002_drop\n.sql', 'DROP TABLE users;\n');
    repo.commit('drop users');
    const result = await plan(repo.dir, ['--from', base]);
    expectBlockedBy(result, 'irreversible-migration');
    expect(result.plan.rollback.migrations).toMatchObject([
      { path: 'db/migrations/002_drop\n.sql', reversible: false },
    ]);
  });

  it('tabs, carriage returns, quotes, glob characters and non-ASCII in names stay in the zone', async () => {
    const { repo, base } = gatedRepo();
    const names = [
      'src/payments/tab\there.ts',
      'src/payments/cr\r.ts',
      'src/payments/"quoted".ts',
      'src/payments/star*[x]?.ts',
      'src/payments/zahlung-ü-💳.ts',
      'src/payments/ leading space.ts',
    ];
    for (const name of names) repo.writeLines(name, 3);
    repo.commit('odd names');
    const result = await plan(repo.dir, ['--from', base]);
    expectBlockedBy(result, 'critical-zone');
    expect(result.plan.zones[0]?.files.toSorted()).toEqual(names.toSorted());
    expect(result.plan.range.files).toBe(names.length);
  });

  it('a newline in a folder name, and a dotfile, in the zone', async () => {
    const { repo, base } = gatedRepo();
    repo.writeLines('src/payments/a\nb/.hidden.ts', 5);
    repo.commit('hidden');
    expectBlockedBy(await plan(repo.dir, ['--from', base]), 'critical-zone');
  });
});

describe("the ledger's deployed commit is missing from the clone", () => {
  it('is INCONCLUSIVE naming the record and the fetch, and fetching it fixes the plan', async () => {
    const origin = makeRepo('da-wrong-go-origin-');
    repos.push(origin);
    origin.writeLines('src/app.ts', 10);
    origin.commit('initial');
    origin.git('checkout', '-q', '-b', 'hotfix');
    origin.writeLines('src/app.ts', 12);
    const deployed = origin.commit('hotfix deployed from its branch');
    const recorded = await runCli([
      '--repo',
      origin.dir,
      'record',
      'succeeded',
      '--sha',
      deployed,
      '--at',
      '2026-11-20T10:00:00Z',
    ]);
    expect(recorded.code, recorded.stderr).toBe(0);
    origin.git('checkout', '-q', 'main');
    origin.writeLines('src/app.ts', 15);
    origin.commit('next change');

    // A fresh clone of main alone, with the ledger: the deployed commit is not in it.
    const clone = makeRepo('da-wrong-go-clone-');
    repos.push(clone);
    clone.git('remote', 'add', 'origin', origin.dir);
    clone.git('fetch', '-q', 'origin', 'main:refs/remotes/origin/main');
    clone.git('fetch', '-q', 'origin', 'refs/deployadvisor/ledger:refs/deployadvisor/ledger');
    clone.git('checkout', '-q', '-B', 'main', 'origin/main');
    expect(() => clone.git('cat-file', '-e', `${deployed}^{commit}`)).toThrow();

    const result = await plan(clone.dir);
    expect(result.plan.verdict).toBe('INCONCLUSIVE');
    expect(result.code).toBe(5);
    const gate = result.plan.gates[0];
    expect(gate?.id).toBe('deployed-commit-missing');
    expect(gate?.reason).toContain("The ledger's last successful production deploy (#1, id ");
    expect(gate?.reason).toContain(`\`git fetch origin ${deployed}\``);
    expect(result.plan.summary).toContain('Deployed commit missing from this clone');

    // Fetched, the ledger is the base again; main lacks the hotfix that runs, which the plan now sees.
    clone.git('fetch', '-q', 'origin', deployed);
    const fixed = await plan(clone.dir);
    expect([fixed.plan.range.fromSource, fixed.plan.range.from]).toEqual(['ledger', deployed]);
    expect([fixed.plan.verdict, fixed.code, fixed.plan.gates[0]?.id]).toEqual([
      'BLOCK',
      4,
      'drops-deployed-commits',
    ]);
  });
});

describe('a plain deployedRef missing from the clone', () => {
  it('is INCONCLUSIVE naming the ref and the fetch; a glob that matches nothing stays a warning', async () => {
    const repo = makeRepo('da-wrong-go-ref-');
    repos.push(repo);
    repo.write('.deployadvisor.yml', 'environments:\n  production:\n    deployedRef: origin/production\n');
    repo.writeLines('src/app.ts', 10);
    repo.commit('initial');
    const result = await plan(repo.dir);
    expect([result.plan.verdict, result.code, result.plan.gates[0]?.id]).toEqual([
      'INCONCLUSIVE',
      5,
      'deployed-commit-missing',
    ]);
    expect(result.plan.gates[0]?.reason).toContain('`git fetch origin origin/production`');
    repo.write(
      '.deployadvisor.yml',
      'environments:\n  production:\n    deployedRef: "deploy/production/*"\n',
    );
    const glob = await plan(repo.dir);
    expect([glob.plan.verdict, glob.code]).toEqual(['GO', 0]);
    expect(glob.plan.diagnostics.map((d) => d.id)).toContain('deployed-ref-missing');
  });
});

describe('downgrades and no-ops', () => {
  function deployedRepo(): { repo: TestRepo; first: string; second: string; third: string } {
    const repo = makeRepo('da-wrong-go-dg-');
    repos.push(repo);
    repo.write(
      '.deployadvisor.yml',
      'environments:\n  production:\n    deployedRef: "deploy/production/*"\n',
    );
    repo.writeLines('src/app.ts', 10);
    const first = repo.commit('initial');
    repo.writeLines('src/app.ts', 40);
    repo.write('db/migrations/002_email.up.sql', 'ALTER TABLE users ADD COLUMN email text;\n');
    repo.write('db/migrations/002_email.down.sql', 'ALTER TABLE users DROP COLUMN email;\n');
    const second = repo.commit('email column');
    repo.writeLines('src/app.ts', 60);
    const third = repo.commit('third');
    repo.git('tag', 'deploy/production/2026-11-20', third);
    return { repo, first, second, third };
  }

  it('the commit that already runs is GO with "already running", no "Safe to deploy now"', async () => {
    const { repo, third } = deployedRepo();
    const result = await plan(repo.dir);
    expect([result.plan.verdict, result.code, result.plan.range.commits, result.plan.range.files]).toEqual([
      'GO',
      0,
      0,
      0,
    ]);
    expect(result.plan.summary).toBe(
      `Already running: ${third.slice(0, 10)} is what production runs (since deploy/production/2026-11-20, the newest match of deployedRef "deploy/production/*"); nothing to deploy.`,
    );
    expect(result.plan.factors.find((f) => f.id === 'size')?.summary).toBe(
      'Nothing changes: the target has the same files as the base.',
    );
  });

  it('--from the target itself says there is nothing to deploy', async () => {
    const { repo, second } = deployedRepo();
    const result = await plan(repo.dir, ['--from', second, second]);
    expect([result.plan.verdict, result.code]).toEqual(['GO', 0]);
    expect(result.plan.summary).toBe(`Nothing to deploy: --from ${second} is the target itself (0 commits).`);
  });

  it('an ancestor of what runs is a downgrade: BLOCK naming what it takes out, and the factors agree', async () => {
    const { repo, first, third } = deployedRepo();
    const result = await plan(repo.dir, [first]);
    expect([result.plan.verdict, result.code]).toEqual(['BLOCK', 4]);
    const gate = result.plan.gates[0];
    expect(gate?.id).toBe('downgrade');
    expect(gate?.reason).toContain(
      `${first.slice(0, 10)} is an ancestor of ${third.slice(0, 10)} (deploy/production/2026-11-20), which runs in production: deploying it takes out 2 commit(s): ${third.slice(0, 10)} "third", `,
    );
    expect(gate?.reason).toContain(
      'Migrations that shipped with them stay applied (db/migrations/002_email.down.sql, db/migrations/002_email.up.sql)',
    );
    expect(result.plan.summary).not.toContain('Safe to deploy');
    expect(result.plan.factors.find((f) => f.id === 'review')?.summary).toBe(
      'No commit of the range changes code; the code changes come from the 2 deployed commit(s) the target lacks (see the gate).',
    );
  });

  it('a target behind its --from base is a downgrade too; a --from that merely diverges is not', async () => {
    const { repo, first, third } = deployedRepo();
    const behind = await plan(repo.dir, ['--from', third, first]);
    expect([behind.plan.verdict, behind.code, behind.plan.gates[0]?.id]).toEqual(['BLOCK', 4, 'downgrade']);
    expect(behind.plan.gates[0]?.reason).toContain(`(--from ${third})`);
    repo.git('checkout', '-q', '-b', 'side', first);
    repo.writeLines('src/other.ts', 3);
    repo.commit('side change');
    const diverged = await plan(repo.dir, ['--from', third, 'side']);
    expect(diverged.plan.gates.map((g) => g.id)).toEqual([]);
  });

  it('a downgrade from the ledger is a downgrade too, and --override turns it into a recorded decision', async () => {
    const { repo, second, third } = deployedRepo();
    repo.git('tag', '-d', 'deploy/production/2026-11-20');
    const recorded = await runCli([
      '--repo',
      repo.dir,
      'record',
      'succeeded',
      '--sha',
      third,
      '--at',
      '2026-11-20T10:00:00Z',
    ]);
    expect(recorded.code, recorded.stderr).toBe(0);
    const result = await plan(repo.dir, [second]);
    expect([result.plan.verdict, result.code, result.plan.gates[0]?.id]).toEqual(['BLOCK', 4, 'downgrade']);
    expect(result.plan.gates[0]?.reason).toContain("(the ledger's last successful deploy)");
    const overridden = await plan(repo.dir, [second, '--override', 'rollback of INC-7']);
    expect([overridden.plan.verdict, overridden.code, overridden.plan.overridden?.from]).toEqual([
      'GO',
      0,
      'BLOCK',
    ]);
  });

  it('a target that lacks a deployed hotfix is BLOCK naming the hotfix', async () => {
    const { repo, second } = deployedRepo();
    repo.git('tag', '-d', 'deploy/production/2026-11-20');
    repo.git('checkout', '-q', '-b', 'hotfix', second);
    repo.writeLines('src/app.ts', 41);
    const hotfix = repo.commit('hotfix');
    repo.git('tag', 'deploy/production/2026-11-21', hotfix);
    repo.git('checkout', '-q', 'main');
    const result = await plan(repo.dir);
    expect([result.plan.verdict, result.code, result.plan.gates[0]?.id]).toEqual([
      'BLOCK',
      4,
      'drops-deployed-commits',
    ]);
    expect(result.plan.gates[0]?.reason).toContain(`1 commit(s) that run in production`);
    expect(result.plan.gates[0]?.reason).toContain(`${hotfix.slice(0, 10)} "hotfix"`);
    // Merged into main, the hotfix is no longer dropped.
    repo.git('merge', '-q', '--no-edit', '-s', 'ours', 'hotfix');
    const merged = await plan(repo.dir);
    expect(merged.plan.gates.map((g) => g.id)).toEqual([]);
    expect([merged.plan.verdict, merged.code]).toEqual(['GO', 0]);
  });
});

describe('a coverage report for another commit', () => {
  /** Zone `core` must have 80% patch coverage, a hard gate: without usable coverage the plan BLOCKs. */
  function coveredRepo(): { repo: TestRepo; base: string; committedAt: number } {
    const repo = makeRepo('da-wrong-go-cov-');
    repos.push(repo);
    repo.write(
      '.deployadvisor.yml',
      'riskZones:\n  - { name: core, paths: ["src/**"], risk: low, minPatchCoverage: 80 }\nthresholds: { hardGates: [tests] }\n',
    );
    repo.writeLines('src/app.ts', 10);
    const base = repo.commit('initial');
    repo.writeLines('src/app.ts', 20);
    repo.commit('ten more lines');
    const committedAt = Number(repo.git('show', '-s', '--format=%ct', 'HEAD').trim());
    return { repo, base, committedAt };
  }
  const cobertura = (timestamp: number) =>
    `<?xml version="1.0"?><coverage timestamp="${timestamp}" line-rate="1"><sources><source>.</source></sources><packages><package name="src"><classes><class name="app" filename="src/app.ts"><lines>${Array.from(
      { length: 20 },
      (_, i) => `<line number="${i + 1}" hits="1"/>`,
    ).join('')}</lines></class></classes></package></packages></coverage>\n`;

  it('an LCOV report measuring lines past the end of a changed file is refused: not 100%, BLOCK', async () => {
    const { repo, base } = coveredRepo();
    const lines = Array.from({ length: 40 }, (_, i) => `DA:${i + 1},1`).join('\n');
    repo.write('coverage/lcov.info', `TN:\nSF:src/app.ts\n${lines}\nend_of_record\n`);
    const result = await plan(repo.dir, ['--from', base, '--coverage', 'coverage/lcov.info']);
    expect([result.plan.verdict, result.code]).toEqual(['BLOCK', 4]);
    expect(result.plan.gates.map((g) => g.id)).toEqual(['coverage-below-min']);
    expect(result.plan.coverage).toMatchObject({ status: 'unusable', patch: null });
    expect(result.plan.coverage.reports[0]).toMatchObject({ status: 'stale' });
    const diagnostic = result.plan.diagnostics.find((d) => d.id === 'coverage-stale');
    expect(diagnostic?.message).toContain(
      'Coverage report coverage/lcov.info is for another commit: it measures src/app.ts line 40, but that file has 20 line(s) at the target ',
    );
    expect(result.plan.factors.find((f) => f.id === 'tests')?.summary).toBe(
      'No usable coverage report: nothing shows that the changed lines ran under test.',
    );
  });

  it('a Cobertura report generated before the target was committed is refused', async () => {
    const { repo, base, committedAt } = coveredRepo();
    repo.write('coverage.xml', cobertura(committedAt - 86_400));
    const result = await plan(repo.dir, ['--from', base, '--coverage', 'coverage.xml']);
    expect([result.plan.verdict, result.code]).toEqual(['BLOCK', 4]);
    expect(result.plan.coverage.reports[0]?.status).toBe('stale');
    expect(result.plan.coverage.reports[0]?.message).toContain('before the target');
  });

  it('no report at all does not pass a hard minPatchCoverage either', async () => {
    const { repo, base } = coveredRepo();
    const result = await plan(repo.dir, ['--from', base]);
    expect([result.plan.verdict, result.code, result.plan.gates[0]?.id]).toEqual([
      'BLOCK',
      4,
      'coverage-below-min',
    ]);
  });

  it('the same report generated after the commit counts: 100% patch coverage, GO', async () => {
    const { repo, base, committedAt } = coveredRepo();
    repo.write('coverage.xml', cobertura((committedAt + 60) * 1000));
    const result = await plan(repo.dir, ['--from', base, '--coverage', 'coverage.xml']);
    expect(result.plan.coverage.reports[0]?.status).toBe('ok');
    expect(result.plan.coverage.patch).toMatchObject({ covered: 10, measured: 10 });
    expect([result.plan.verdict, result.code]).toEqual(['GO', 0]);
  });
});
