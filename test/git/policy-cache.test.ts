import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_ENVIRONMENT,
  DEFAULT_LOW_RISK_PATHS,
  DEFAULT_MIGRATION_PATHS,
} from '../../src/config/defaults.js';
import { renderInitPolicy } from '../../src/config/init-template.js';
import { parsePolicy } from '../../src/config/parse.js';
import { policySchema } from '../../src/config/schema.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli, runPlanJson } from '../helpers/run.js';
import { SCENARIO_POLICY } from '../helpers/policy.js';

/** The validated policy cached by its text (src/config/policy-cache.ts): a plan from it equals one without. */
describe('the policy cache', () => {
  let repo: TestRepo;
  let base: string;
  const cacheFile = () => join(repo.dir, '.git', 'deployadvisor', 'policy-v1.json');
  const stored = () =>
    JSON.parse(readFileSync(cacheFile(), 'utf8')) as {
      key: { build: string; policy: string };
      value: Record<string, unknown>;
    };
  const plan = async (args: string[] = []) => runPlanJson(repo.dir, ['--from', base, '--offline', ...args]);

  beforeAll(() => {
    repo = makeRepo();
    repo.writeLines('src/app.ts', 20);
    repo.commit('initial');
    base = repo.git('rev-parse', 'HEAD').trim();
    repo.writeLines('src/payments/charge.ts', 120, 'deploy');
    repo.commit('charge cards');
  });
  afterAll(() => {
    repo.cleanup();
  });

  it('holds the defaults when there is no policy file, and a plan from it prints the same bytes', async () => {
    rmSync(cacheFile(), { force: true });
    const cold = await plan();
    expect(stored().key.policy).toBe('defaults');
    expect(stored().value).toEqual(policySchema.parse({}));
    const warm = await plan();
    expect(warm.stdout).toBe(cold.stdout);
  });

  it('follows the policy text: an edit applies at once, and the blob id is git’s own', async () => {
    repo.write('.deployadvisor.yml', SCENARIO_POLICY);
    const first = await plan();
    expect(first.plan.factors.find((factor) => factor.id === 'zones')?.points).toBeGreaterThan(0);
    expect(stored().key.policy).not.toBe('defaults');
    const again = await plan();
    expect(again.stdout).toBe(first.stdout);
    // The zone goes: the cached policy of the old text must not answer for the new one.
    repo.write('.deployadvisor.yml', SCENARIO_POLICY.replace(/riskZones:[\s\S]*?windows:/, 'windows:'));
    const edited = await plan();
    expect(edited.plan.factors.find((factor) => factor.id === 'zones')?.points).toBe(0);
    const blob = repo.git('hash-object', '.deployadvisor.yml').trim();
    expect(edited.plan.policy.blobSha).toBe(blob);
    repo.write('.deployadvisor.yml', SCENARIO_POLICY);
  });

  it('a damaged file, another build’s or a value of the wrong shape is read around', async () => {
    const cold = await plan();
    writeFileSync(cacheFile(), '{"key": {"build": ');
    expect((await plan()).stdout).toBe(cold.stdout);
    const other = stored();
    other.key.build = 'another-build';
    writeFileSync(cacheFile(), JSON.stringify(other));
    expect((await plan()).stdout).toBe(cold.stdout);
    expect(stored().key.build).not.toBe('another-build');
    const wrong = stored();
    wrong.value = { ...wrong.value, thresholds: 'none' };
    writeFileSync(cacheFile(), JSON.stringify(wrong));
    expect((await plan()).stdout).toBe(cold.stdout);
  });

  it('never holds a policy that was refused: it is refused again, naming its line', async () => {
    repo.write('.deployadvisor.yml', 'version: 1\nthresholds: { waitAt: 90, blockAt: 80 }\n');
    for (let i = 0; i < 2; i++) {
      const result = await runCli(['--repo', repo.dir, 'plan', '--from', base, '--offline']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /\.deployadvisor\.yml:2:\d+: "thresholds\.waitAt" \(90\) must not be above/,
      );
    }
    expect(existsSync(cacheFile()) && stored().value.thresholds).not.toEqual({ waitAt: 90, blockAt: 80 });
    repo.write('.deployadvisor.yml', SCENARIO_POLICY);
  });
});

describe('config check', () => {
  it('parses and checks the text itself, whatever the policy cache holds for it', async () => {
    const repo = makeRepo();
    try {
      repo.write('.deployadvisor.yml', 'version: 1\nthresholds: { waitAt: 100, blockAt: 100 }\n');
      repo.writeLines('src/app.ts', 5);
      repo.commit('initial');
      expect((await runCli(['--repo', repo.dir, 'config', 'check'])).code).toBe(0);
      await runPlanJson(repo.dir, ['--offline']);
      // The cached policy for this very text now says something else: a band that could never ship.
      const file = join(repo.dir, '.git', 'deployadvisor', 'policy-v1.json');
      const cache = JSON.parse(readFileSync(file, 'utf8')) as { value: { thresholds: object } };
      cache.value.thresholds = { waitAt: 40, blockAt: 70 };
      writeFileSync(file, JSON.stringify(cache));
      const check = await runCli(['--repo', repo.dir, 'config', 'check']);
      expect([check.code, check.stderr]).toEqual([0, '']);
    } finally {
      repo.cleanup();
    }
  });
});

describe('a policy survives the cache', () => {
  it('as JSON, key for key (no undefined values, no class instances)', () => {
    const texts = [
      renderInitPolicy(
        {
          branch: 'main',
          ciProvider: 'github',
          migrationDirs: ['db/migrate'],
          coverageReports: ['coverage/lcov.info'],
          zones: [{ name: 'payments', path: 'src/payments', risk: 'critical' }],
        },
        'Europe/Berlin',
      ),
      SCENARIO_POLICY,
    ];
    for (const text of texts) {
      const policy = parsePolicy(text, { kind: 'file', path: 'p.yml', ref: null, blobSha: null });
      expect(JSON.parse(JSON.stringify(policy))).toStrictEqual(policy);
    }
    const defaults = policySchema.parse({});
    expect(JSON.parse(JSON.stringify(defaults))).toStrictEqual(defaults);
  });

  it('the defaults outside the schema are the schema’s', () => {
    const defaults = policySchema.parse({});
    expect(defaults.environments.production).toStrictEqual(DEFAULT_ENVIRONMENT);
    expect(defaults.lowRiskPaths).toStrictEqual(DEFAULT_LOW_RISK_PATHS);
    expect(defaults.migrations.paths).toStrictEqual(DEFAULT_MIGRATION_PATHS);
    expect(policySchema.parse({ environments: { staging: {} } }).environments.staging).toStrictEqual(
      DEFAULT_ENVIRONMENT,
    );
  });
});
