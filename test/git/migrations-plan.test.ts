import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/assess/plan-types.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runPlanJson } from '../helpers/run.js';

describe('migrations in a real deploy range', () => {
  let repo: TestRepo;
  let plan: Plan;
  beforeAll(async () => {
    repo = makeRepo();
    repo.write(
      '.deployadvisor.yml',
      'environments:\n  production:\n    deployedRef: "deploy/production/*"\n',
    );
    repo.write('db/migrations/001_users.up.sql', 'CREATE TABLE users (id int);\n');
    repo.write('db/migrations/001_users.down.sql', 'DROP TABLE users;\n');
    repo.commit('users table');
    // A hotfix branch already shipped 003 to production: it is in the deployed tree.
    repo.git('checkout', '-q', '-b', 'hotfix');
    repo.write('db/migrations/003_index.up.sql', 'CREATE INDEX i ON users (id);\n');
    repo.write('db/migrations/003_index.down.sql', 'DROP INDEX i;\n');
    repo.commit('hotfix index');
    repo.git('tag', 'deploy/production/hotfix');
    repo.git('checkout', '-q', 'main');
    repo.write('db/migrations/002_email.up.sql', 'ALTER TABLE users ADD COLUMN email text;\n');
    repo.write('db/migrations/002_email.down.sql', 'ALTER TABLE users DROP COLUMN email;\n');
    repo.write('db/migrations/003_index.up.sql', 'CREATE INDEX i ON users (id);\n');
    repo.write('db/migrations/003_index.down.sql', 'DROP INDEX i;\n');
    repo.write('db/migrations/004_drop_legacy.up.sql', 'ALTER TABLE users DROP COLUMN legacy;\n');
    repo.commit('schema changes');
    const first = repo.git('rev-list', '--max-parents=0', 'HEAD').trim();
    const result = await runPlanJson(repo.dir, ['--from', first]);
    plan = result.plan;
  });
  afterAll(() => {
    repo.cleanup();
  });

  it('judges each new migration and skips the one already applied', () => {
    const factor = plan.factors.find((f) => f.id === 'migrations');
    // An irreversible migration is a floor no history outweighs: the deploy waits for a preferred window.
    expect(factor?.summary).toBe(
      `2 new migration(s), 1 irreversible. Score raised to ${plan.thresholds.waitAt}: an irreversible migration makes any deploy wait for a preferred window (waitAt).`,
    );
    expect(plan.score).toBe(plan.thresholds.waitAt);
    expect(factor?.evidence).toEqual([
      'db/migrations/002_email.up.sql: reversible (down step in db/migrations/002_email.down.sql)',
      'db/migrations/004_drop_legacy.up.sql: IRREVERSIBLE (DROP COLUMN: data it removes or converts cannot be restored by a down step)',
      'db/migrations/003_index.up.sql: already applied (present in the deployed tree), skipped',
    ]);
    expect(factor?.points).toBeGreaterThan(0);
  });

  it('puts the migrations in the rollback plan, newest first, irreversible with its reason', () => {
    expect(plan.rollback.migrations.map((m) => [m.path, m.reversible])).toEqual([
      ['db/migrations/002_email.up.sql', true],
      ['db/migrations/004_drop_legacy.up.sql', false],
    ]);
    expect(plan.rollback.steps[0]).toContain(
      'back up the data touched by db/migrations/004_drop_legacy.up.sql',
    );
    expect(plan.rollback.steps).toContain(
      'Migration db/migrations/004_drop_legacy.up.sql is irreversible (DROP COLUMN: data it removes or converts cannot be restored by a down step): restore from backup or fix forward.',
    );
  });

  it('hardGates: [migrations] blocks on an irreversible migration', async () => {
    repo.write('.deployadvisor.yml', 'thresholds: { hardGates: [migrations] }\n');
    const first = repo.git('rev-list', '--max-parents=0', 'HEAD').trim();
    const result = await runPlanJson(repo.dir, ['--from', first]);
    const gated = result.plan;
    expect(gated.verdict).toBe('BLOCK');
    expect(result.code).toBe(4);
    expect(gated.gates[0]).toMatchObject({ id: 'irreversible-migration', level: 'block' });
  });
});
