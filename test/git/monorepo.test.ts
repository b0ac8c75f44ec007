import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../src/ledger/record.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli, runPlanJson } from '../helpers/run.js';

/**
 * A two-service monorepo (packages/api, packages/web) planned per service: each plan starts at its own
 * service's last deploy, sees only its own paths, and insights and backtest count per service.
 */

const POLICY = `version: 1
timezone: UTC
environments:
  production: {}
  staging: {}
services:
  api:
    paths: ["packages/api/**"]
  web:
    paths: ["packages/web/**"]
    environments: [production]
riskZones:
  - name: api-db
    paths: ["packages/api/db/**"]
    risk: critical
`;

const NOW = '2026-03-20T21:00:00Z';
let repo: TestRepo;
const c = {} as Record<'root' | 'api1' | 'web1' | 'api2' | 'web2', string>;

async function cli(...args: string[]) {
  return runCli(['--repo', repo.dir, ...args]);
}

async function recordDeploy(service: string, sha: string, at: string, type = 'succeeded'): Promise<void> {
  const args = ['record', type, '--service', service, '--sha', sha, '--at', at];
  const run = await cli(...args, ...(type === 'failed' ? ['--reason', 'broke'] : []));
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
}

beforeAll(async () => {
  repo = makeRepo('da-monorepo-');
  repo.write('.deployadvisor.yml', POLICY);
  repo.writeLines('packages/api/src/app.ts', 20);
  repo.writeLines('packages/web/src/page.ts', 20);
  c.root = repo.commit('both services', { date: '2026-03-01T10:00:00Z' });
  repo.writeLines('packages/api/src/app.ts', 30);
  c.api1 = repo.commit('api: first change', { date: '2026-03-02T10:00:00Z' });
  repo.writeLines('packages/web/src/page.ts', 30);
  c.web1 = repo.commit('web: first change', { date: '2026-03-03T10:00:00Z' });
  repo.writeLines('packages/api/db/migrate.sql', 400, 'ALTER TABLE t ADD c');
  repo.writeLines('packages/api/src/app.ts', 300, 'api');
  c.api2 = repo.commit('api: a large change in the critical zone', { date: '2026-03-04T10:00:00Z' });
  repo.writeLines('packages/web/src/page.ts', 32);
  c.web2 = repo.commit('web: a small change', { date: '2026-03-05T10:00:00Z' });
  await recordDeploy('api', c.api1, '2026-03-02T12:00:00Z');
  await recordDeploy('web', c.web1, '2026-03-03T12:00:00Z');
  await recordDeploy('web', c.root, '2026-03-01T12:00:00Z', 'failed');
}, 60_000);

afterAll(() => {
  repo.cleanup();
});

describe('services in a monorepo', () => {
  it('plans each service from its own last deploy, with only its own changes', async () => {
    const api = await runPlanJson(repo.dir, ['--service', 'api', '--offline'], { now: NOW });
    const web = await runPlanJson(repo.dir, ['--service', 'web', '--offline'], { now: NOW });
    expect(api.plan.range.from).toBe(c.api1);
    expect(web.plan.range.from).toBe(c.web1);
    // api: only api2 (web1 and web2 touch none of its paths); web: only web2.
    expect(api.plan.range.commits).toBe(1);
    expect(web.plan.range.commits).toBe(1);
    expect(api.plan.range.files).toBe(2);
    expect(web.plan.range.files).toBe(1);
    expect(api.plan.zones.map((z) => z.name)).toEqual(['api-db']);
    expect(web.plan.zones).toEqual([]);
    expect(api.plan.score).toBeGreaterThan(web.plan.score);
    expect(api.plan.range.service).toEqual({ name: 'api', paths: ['packages/api/**'], outside: 2 });
    expect(web.plan.range.service).toEqual({ name: 'web', paths: ['packages/web/**'], outside: 1 });
    expect(api.plan.diagnostics.map((d) => d.id)).toContain('service-scope');
    // Without --service the repository as a whole: no whole-repo deploy, so every commit from the root.
    const whole = await runPlanJson(repo.dir, ['--offline'], { now: NOW });
    expect(whole.plan.range.commits).toBe(5);
  });

  it('says there is nothing to deploy for a service whose paths did not change (GO)', async () => {
    await recordDeploy('api', c.api2, '2026-03-04T12:00:00Z');
    const api = await runPlanJson(repo.dir, ['--service', 'api', '--offline'], { now: NOW });
    expect(api.code).toBe(0);
    expect(api.plan.verdict).toBe('GO');
    expect(api.plan.range.from).toBe(c.api2);
    expect(api.plan.range.commits).toBe(0);
    expect(api.plan.summary).toBe(
      `Nothing to deploy for service api: none of the 1 commit(s) since ${c.api2.slice(0, 10)} touches its paths (packages/api/**).`,
    );
  });

  it('records the service on plan and deploy records', async () => {
    const run = await cli('plan', '--service', 'web', '--offline', '--now', NOW, '--record');
    expect(run.code).toBe(0);
    const records = JSON.parse((await cli('--format', 'json', 'ledger', 'list')).stdout) as LedgerRecord[];
    expect(records.map((r) => [r.type, r.service])).toEqual([
      ['succeeded', 'api'],
      ['succeeded', 'web'],
      ['failed', 'web'],
      ['succeeded', 'api'],
      ['plan', 'web'],
    ]);
  });

  it('counts insights per service', async () => {
    const insights = async (service: string) => {
      const run = await cli(
        '--format',
        'json',
        'insights',
        '--service',
        service,
        '--since',
        '2026-02-01',
        '--now',
        NOW,
        '--offline',
      );
      expect(run.code).toBe(0);
      return JSON.parse(run.stdout) as { deploys: number; failed: number };
    };
    expect(await insights('api')).toMatchObject({ deploys: 2, failed: 0 });
    expect(await insights('web')).toMatchObject({ deploys: 2, failed: 1 });
  });

  it("backtests only the service's own changes", async () => {
    const run = await cli('--format', 'json', 'backtest', '--service', 'web');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as {
      changeCount: number;
      diagnostics: Array<{ id: string; message: string }>;
    };
    // root, web1, web2 touch packages/web; api1 and api2 do not.
    expect(result.changeCount).toBe(3);
    expect(result.diagnostics.find((d) => d.id === 'service-scope')?.message).toContain('2 commit(s)');
  });

  it("imports tags as one service's deploys, once", async () => {
    repo.git('tag', 'web/v1', c.web2);
    const args = ['ledger', 'import', '--service', 'web', '--tags', 'web/v*'];
    expect((await cli(...args)).stdout).toContain('Imported 1 deploy(s) into production, service web');
    expect((await cli(...args)).stdout).toContain(
      'Imported 0 deploy(s) into production, service web; 1 already',
    );
    const run = await cli(
      '--format',
      'json',
      'insights',
      '--service',
      'web',
      '--since',
      '2026-02-01',
      '--now',
      NOW,
      '--offline',
    );
    expect(JSON.parse(run.stdout)).toMatchObject({ deploys: 3 });
    const api = await runPlanJson(repo.dir, ['--service', 'api', '--offline'], { now: NOW });
    expect(api.plan.range.from).toBe(c.api2);
    const web = await runPlanJson(repo.dir, ['--service', 'web', '--offline'], { now: NOW });
    expect(web.plan.range.from).toBe(c.web2);
  });

  it('names an unknown service with a did-you-mean, and a service outside its environments (exit 2)', async () => {
    const typo = await cli('plan', '--service', 'apj', '--offline', '--now', NOW);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('--service apj: no such service');
    expect(typo.stderr).toContain('Did you mean --service api?');
    const proto = await cli('insights', '--service', '__proto__', '--offline');
    expect(proto.code).toBe(2);
    const wrongEnv = await cli('plan', '--service', 'web', '--env', 'staging', '--offline', '--now', NOW);
    expect(wrongEnv.code).toBe(2);
    expect(wrongEnv.stderr).toContain('services.web.environments');
    const recordTypo = await cli('record', 'succeeded', '--service', 'wbe');
    expect(recordTypo.code).toBe(2);
    expect(recordTypo.stderr).toContain('Did you mean --service web?');
  });

  it('refuses a services section that is wrong, naming the key (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'da-services-policy-'));
    const cases: Array<[string, RegExp]> = [
      [
        'services:\n  api:\n    path: ["a/**"]\n',
        /unknown key "services\.api\.path"\. Did you mean "services\.api\.paths"\?/,
      ],
      ['services:\n  api:\n    paths: []\n', /services\.api\.paths/],
      ['services:\n  "../api":\n    paths: ["a/**"]\n', /service name "\.\.\/api": expected letters, digits/],
      ['services:\n  api:\n    paths: ["*a*a*a*a"]\n', /could take very long to match/],
      [
        'services:\n  api:\n    paths: ["a/**"]\n    environments: [prod]\n',
        /"services\.api\.environments" names "prod"/,
      ],
    ];
    try {
      for (const [yaml, message] of cases) {
        const file = join(dir, 'policy.yml');
        writeFileSync(file, yaml);
        const run = await runCli(['--repo', repo.dir, '--config', file, 'config', 'check']);
        expect(run.code, yaml).toBe(2);
        expect(run.stderr, yaml).toMatch(message);
        expect(run.stderr).not.toMatch(/\n\s+at /);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
