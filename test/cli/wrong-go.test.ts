import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli, spawnPlanJson } from '../helpers/run.js';

const plan = spawnPlanJson;

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

    clone.git('fetch', '-q', 'origin', deployed);
    const fixed = await plan(clone.dir);
    expect([fixed.plan.verdict, fixed.code, fixed.plan.range.fromSource, fixed.plan.range.from]).toEqual([
      'GO',
      0,
      'ledger',
      deployed,
    ]);
  });
});
