import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ErrorObject } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_SOURCES, DIAGNOSTIC_LEVELS } from '../../src/assess/facts.js';
import { FAIL_ON, VERDICTS, WINDOW_KINDS, type Plan } from '../../src/assess/plan-types.js';
import { VERDICT_EXIT } from '../../src/assess/verdict.js';
import { SCORE_FACTORS } from '../../src/assess/factors/registry.js';
import { IN_FREEZE, OFF_PEAK, PEAK, scenarioBase, scenarioRepos } from '../helpers/policy.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runPlanJson } from '../helpers/run.js';
import { outputSchema, schemaErrorsText, schemaValidator } from '../helpers/schemas.js';

/** docs/plan.schema.json validated against REAL plans: the CLI run in-process on real git repositories. */

interface SchemaNode {
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

const schema = outputSchema('plan') as SchemaNode & Record<string, unknown>;
const validate = schemaValidator('plan');

function explain(errors: ErrorObject[] | null | undefined): string {
  return `plan does not match docs/plan.schema.json:\n${schemaErrorsText(errors)}\n${JSON.stringify(errors, null, 2)}`;
}

function expectValid(plan: unknown): void {
  const ok = validate(plan);
  expect(ok, explain(validate.errors)).toBe(true);
}

/** Follows `properties`/`items` down the schema. */
function node(...path: string[]): SchemaNode {
  let at: SchemaNode | undefined = schema;
  for (const key of path) at = key === '[]' ? at?.items : at?.properties?.[key];
  if (at === undefined) throw new Error(`no schema node at ${path.join('.')}`);
  return at;
}

/** Friday 27 Nov 2026, 13:00 in Los Angeles: inside the "Friday afternoon" avoid window. */
const FRIDAY_AFTERNOON = '2026-11-27T13:00:00-08:00';

const gitEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

async function planOf(
  dir: string,
  now: string,
  ...extra: string[]
): Promise<{ raw: unknown; plan: Plan; code: number }> {
  const result = await runPlanJson(dir, extra, { now });
  const raw: unknown = result.plan;
  const plan = result.plan;
  expect(result.code).toBe(plan.exitCode);
  return { raw, plan, code: result.code };
}

describe('docs/plan.schema.json', () => {
  const repos: TestRepo[] = [];
  const dirs: string[] = [];
  let docs: TestRepo;
  let ai: TestRepo;
  let aiReviewed: TestRepo;

  beforeAll(() => {
    ({ docs, ai, aiReviewed } = scenarioRepos('da-schema-'));
    repos.push(docs, ai, aiReviewed);
  });
  afterAll(() => {
    for (const repo of repos) repo.cleanup();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('is a draft 2020-12 schema with the published $id', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe('https://deployadvisor.dev/schema/plan-1.json');
    expect(node('schemaVersion').const).toBe('deployadvisor.plan/1');
  });

  it('enumerates exactly the values the code defines', () => {
    expect(node('verdict').enum).toEqual([...VERDICTS]);
    expect(node('failOn').enum).toEqual([...FAIL_ON]);
    expect(node('exitCode').enum).toEqual([...new Set(Object.values(VERDICT_EXIT))].sort((a, b) => a - b));
    expect(node('timing', 'active', '[]', 'kind').enum).toEqual([...WINDOW_KINDS]);
    expect(node('range', 'fromSource').enum).toEqual([...BASE_SOURCES]);
    expect(node('diagnostics', '[]', 'level').enum).toEqual([...DIAGNOSTIC_LEVELS]);
    expect([...(node('factors', '[]', 'id').enum ?? [])].sort()).toEqual([...SCORE_FACTORS].sort());
  });

  it('accepts a GO plan for a docs-only change (no code lines: aiShare null)', async () => {
    const { raw, plan } = await planOf(docs.dir, OFF_PEAK);
    expect(plan.verdict).toBe('GO');
    expect(plan.gates).toEqual([]);
    expect(plan.lineage.aiShare).toBeNull();
    expect(plan.timing.active.map((a) => a.kind)).toEqual(['preferred']);
    expect(plan.policy.source).toBe('file');
    expectValid(raw);
  });

  it('accepts a BLOCK plan with gates, AI lineage, zones and a next window', async () => {
    const { raw, plan } = await planOf(ai.dir, PEAK);
    expect(plan.verdict).toBe('BLOCK');
    expect(plan.exitCode).toBe(4);
    expect(plan.gates.map((g) => g.id)).toEqual(expect.arrayContaining(['review-required', 'peak']));
    expect(plan.lineage.aiShare).toBe(1);
    expect(plan.lineage.aiCommitList).toHaveLength(1);
    expect(plan.zones.map((z) => z.name)).toEqual(['payments']);
    expect(plan.timing.nextWindow).not.toBeNull();
    expect(plan.rollback.command).toContain('kubectl rollout undo');
    expectValid(raw);
  });

  it('accepts a WAIT plan whose next window has an end and a latest start', async () => {
    const { raw, plan } = await planOf(aiReviewed.dir, PEAK);
    expect(plan.verdict).toBe('WAIT');
    expect(plan.gates.map((g) => g.id)).toEqual(['peak', 'preferred']);
    expect(plan.gates[1]?.until).toBeNull();
    expect(plan.timing.nextWindow?.end).not.toBeNull();
    expect(plan.timing.nextWindow?.open).toBe(false);
    expectValid(raw);
  });

  it('accepts a freeze BLOCK and an avoid-window WAIT', async () => {
    const frozen = await planOf(docs.dir, IN_FREEZE);
    expect(frozen.plan.verdict).toBe('BLOCK');
    expect(frozen.plan.timing.active.map((a) => a.kind)).toContain('freeze');
    expectValid(frozen.raw);

    const friday = await planOf(docs.dir, FRIDAY_AFTERNOON);
    expect(friday.plan.verdict).toBe('WAIT');
    expect(friday.plan.gates.map((g) => g.id)).toEqual(['avoid']);
    expectValid(friday.raw);
  });

  it('accepts plans under --fail-on never and --fail-on block', async () => {
    const never = await planOf(ai.dir, PEAK, '--fail-on', 'never');
    expect(never.plan).toMatchObject({ verdict: 'BLOCK', exitCode: 0, failOn: 'never' });
    expectValid(never.raw);
    const block = await planOf(aiReviewed.dir, PEAK, '--fail-on', 'block');
    expect(block.plan).toMatchObject({ verdict: 'WAIT', exitCode: 0, failOn: 'block' });
    expectValid(block.raw);
  });

  it('accepts an --override plan (overridden is set)', async () => {
    const { raw, plan } = await planOf(ai.dir, PEAK, '--override', 'INC-42 hotfix, approved by on-call');
    expect(plan.verdict).toBe('GO');
    expect(plan.overridden).toEqual({ from: 'BLOCK', reason: 'INC-42 hotfix, approved by on-call' });
    expectValid(raw);
  });

  it('accepts a plan with reversible and irreversible migrations and a rollback command', async () => {
    const repo = makeRepo('da-schema-');
    repos.push(repo);
    repo.write(
      '.deployadvisor.yml',
      [
        'environments:',
        '  production:',
        '    deployedRef: "deploy/production/*"',
        '    rollback:',
        '      command: "./deploy.sh rollback --to {previousSha} --from {sha}"',
        '      notes: "Tell #ops before rolling back."',
        'thresholds: { hardGates: [migrations] }',
        '',
      ].join('\n'),
    );
    repo.write('db/migrations/001_users.up.sql', 'CREATE TABLE users (id int);\n');
    repo.write('db/migrations/001_users.down.sql', 'DROP TABLE users;\n');
    repo.commit('users table');
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

    const { raw, plan } = await planOf(repo.dir, '2026-11-23T10:00:00Z', '--from', first);
    expect(plan.range.fromSource).toBe('from');
    expect(plan.rollback.migrations.map((m) => [m.path, m.reversible])).toEqual([
      ['db/migrations/002_email.up.sql', true],
      ['db/migrations/004_drop_legacy.up.sql', false],
    ]);
    expect(plan.rollback.command).toMatch(/^\.\/deploy\.sh rollback --to [0-9a-f]{40} --from [0-9a-f]{40}$/);
    expect(plan.gates[0]).toMatchObject({ id: 'irreversible-migration', level: 'block' });
    expectValid(raw);
  });

  it('accepts a plan with no policy file: embedded defaults, root base, diagnostics with and without remedy', async () => {
    const repo = makeRepo('da-schema-');
    repos.push(repo);
    repo.writeLines('src/index.ts', 12);
    repo.commit('first');
    repo.writeLines('src/index.ts', 30);
    repo.commit('second', { trailers: ['Generated-by: GitHub Copilot'] });
    repo.git('checkout', '-q', '--detach');

    const { raw, plan } = await planOf(repo.dir, '2026-11-23T10:00:00Z');
    expect(plan.policy).toEqual({ source: 'defaults', path: null, ref: null, blobSha: null });
    expect(plan.range).toMatchObject({ from: null, fromSource: 'root', fromRef: null });
    expect(plan.rollback.targetSha).toBeNull();
    const remedies = plan.diagnostics.map((d) => [d.id, d.remedy !== undefined]);
    expect(remedies).toEqual(
      expect.arrayContaining([
        ['base-assumed-root', true],
        ['detached-head', false],
      ]),
    );
    expectValid(raw);
  });

  it('accepts a merge-base plan with the policy read from a ref', async () => {
    const repo = makeRepo('da-schema-');
    repos.push(repo);
    repo.write('.deployadvisor.yml', 'timezone: Europe/Berlin\n');
    repo.writeLines('src/index.ts', 12);
    repo.commit('first');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.writeLines('src/feature.ts', 25);
    repo.commit('feature');

    const { raw, plan } = await planOf(repo.dir, '2026-11-23T10:00:00Z', '--policy-ref', 'main');
    expect(plan.range.fromSource).toBe('merge-base');
    expect(plan.policy).toMatchObject({ source: 'ref', ref: 'main', path: '.deployadvisor.yml' });
    expect(plan.timing.now).toBe('2026-11-23T11:00:00+01:00');
    expectValid(raw);
  });

  it('accepts an INCONCLUSIVE plan from a shallow clone', async () => {
    const source = scenarioBase('da-schema-');
    repos.push(source);
    for (let i = 1; i <= 3; i++) {
      source.writeLines(`src/step${i}.ts`, 10 * i);
      source.commit(`step ${i}`);
    }
    const parent = mkdtempSync(join(tmpdir(), 'da-schema-clone-'));
    dirs.push(parent);
    const clone = join(parent, 'clone');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${source.dir}`, clone], {
      env: gitEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });

    const { raw, plan } = await planOf(clone, OFF_PEAK);
    expect(plan.verdict).toBe('INCONCLUSIVE');
    expect(plan.exitCode).toBe(5);
    expect(plan.gates[0]).toMatchObject({ id: 'shallow-history', kind: 'evidence', level: 'inconclusive' });
    expect(plan.diagnostics.find((d) => d.id === 'shallow-clone')?.level).toBe('error');
    expectValid(raw);
  });

  describe('rejects plans that drift from it', () => {
    let good: Record<string, unknown>;
    beforeAll(async () => {
      good = (await planOf(ai.dir, PEAK)).raw as Record<string, unknown>;
    });

    it('the unmodified plan is valid (the baseline for the cases below)', () => {
      expectValid(good);
    });

    it('an unknown top-level property', () => {
      expect(validate({ ...structuredClone(good), confidence: 0.9 })).toBe(false);
      expect(validate.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            keyword: 'additionalProperties',
            params: { additionalProperty: 'confidence' },
          }),
        ]),
      );
    });

    it('an unknown property deep inside (a gate)', () => {
      const plan = structuredClone(good) as unknown as Plan;
      (plan.gates[0] as unknown as Record<string, unknown>).severity = 'high';
      expect(validate(plan)).toBe(false);
      expect(validate.errors?.[0]?.instancePath).toBe('/gates/0');
    });

    it('a verdict outside the enumeration', () => {
      expect(validate({ ...structuredClone(good), verdict: 'MAYBE' })).toBe(false);
      expect(validate.errors?.[0]).toMatchObject({ instancePath: '/verdict', keyword: 'enum' });
    });

    it('a missing required property, a wrong type and a time without an offset', () => {
      const missing = structuredClone(good);
      delete missing.inputsDigest;
      expect(validate(missing)).toBe(false);

      const plan = structuredClone(good) as unknown as Plan;
      (plan as unknown as Record<string, unknown>).score = '86';
      expect(validate(plan)).toBe(false);

      const local = structuredClone(good) as unknown as Plan;
      local.timing.now = '2026-11-23T11:00:00';
      expect(validate(local)).toBe(false);
      expect(validate.errors?.[0]?.instancePath).toBe('/timing/now');
    });
  });
});
