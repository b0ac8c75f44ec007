import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

// `config check` on policies that parse but cannot work as meant (issue #14).
const WINDOWS_OK = `windows:
  peak: [{ days: mon-fri, from: "09:00", to: "17:00" }]
  preferred: [{ days: mon-thu, from: "17:00", to: "19:00" }]
  staffed: [{ days: mon-fri, from: "08:00", to: "19:00" }]
`;

describe('config check', () => {
  let repo: TestRepo;
  afterEach(() => {
    repo.cleanup();
  });

  function setUp(policy: string): TestRepo {
    repo = makeRepo('da-config-check-');
    repo.write('packages/vite/src/index.ts', 'x\n');
    repo.write('db/migrations/001.sql', 'CREATE TABLE t (id int);\n');
    repo.write('.deployadvisor.yml', policy);
    repo.commit('initial');
    return repo;
  }
  const check = (args: string[] = [], env: Record<string, string> = {}) =>
    runCli(['--repo', repo.dir, ...args, 'config', 'check'], { cwd: repo.dir, env });

  it('a preferred window inside peak is an error naming the windows, at the line of preferred', async () => {
    setUp(`version: 1
windows:
  peak: [{ days: mon-fri, from: "09:00", to: "17:00" }]
  preferred: [{ days: mon-thu, from: "10:00", to: "16:00" }]
`);
    const result = await check();
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      '.deployadvisor.yml:4:14: "windows.preferred": a change scoring 50-74 can never deploy to production: it needs 15 min inside preferred mon-thu 10:00-16:00, outside peak mon-fri 09:00-17:00, and no week has such a time',
    );
  });

  it('no preferred window at all leaves scores from waitAt nowhere to go', async () => {
    setUp('version: 1\nthresholds: { waitAt: 40, blockAt: 60 }\n');
    const result = await check();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('a change scoring 40-59 can never deploy');
    expect(result.stderr).toContain('a preferred window (none is configured)');
  });

  it('staffed hours entirely inside peak leave risky scores nowhere to go', async () => {
    setUp(`version: 1
windows:
  peak: [{ days: mon-sun, from: "08:00", to: "20:00" }]
  staffed: [{ days: mon-fri, from: "09:00", to: "17:00" }]
  preferred: [{ days: mon-fri, from: "09:00", to: "17:00" }]
`);
    const result = await check();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('a change scoring 30-49 can never deploy');
    expect(result.stderr).toContain('inside staffed mon-fri 09:00-17:00, outside peak mon-sun 08:00-20:00');
  });

  it('a window that leaves less time than the deploy takes counts as none', async () => {
    setUp(`version: 1
environments: { production: { deployMinutes: 90 } }
${WINDOWS_OK}`);
    const result = await check();
    expect(result.code).toBe(0);
    setUp(`version: 1
environments: { production: { deployMinutes: 150 } }
${WINDOWS_OK}`);
    const longer = await check();
    expect(longer.code).toBe(2);
    expect(longer.stderr).toContain('it needs 150 min inside preferred mon-thu 17:00-19:00');
  });

  it('windows that leave room pass', async () => {
    setUp(`version: 1\n${WINDOWS_OK}`);
    const result = await check();
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^OK: \.deployadvisor\.yml is valid/);
    expect(result.stderr).toBe('');
  });

  it('a zone glob and a migrations glob that match no tracked file are warnings with a did-you-mean', async () => {
    setUp(`version: 1
riskZones:
  - name: vite
    paths: ["pakages/vite/**"]
    risk: high
migrations:
  paths: ["db/migration/**"]
${WINDOWS_OK}`);
    const result = await check();
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').slice(1, 3)).toEqual([
      '.deployadvisor.yml:4:13: warning: "riskZones[0].paths[0]": zone "vite": glob "pakages/vite/**" matches no tracked file. Did you mean "packages/vite/**"?',
      '.deployadvisor.yml:7:11: warning: "migrations.paths[0]": glob "db/migration/**" matches no tracked file. Did you mean "db/migrations/**"?',
    ]);
  });

  it('a glob with nothing close says so without a guess', async () => {
    setUp(`version: 1\nriskZones: [{ name: z, paths: ["zzzz/**"], risk: low }]\n${WINDOWS_OK}`);
    const result = await check();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('glob "zzzz/**" matches no tracked file.\n');
    expect(result.stdout).not.toContain('Did you mean');
  });

  it('two zones of one name are an error at the second name', async () => {
    setUp(`version: 1
riskZones:
  - { name: api, paths: ["packages/**"], risk: high }
  - { name: api, paths: ["db/**"], risk: low }
${WINDOWS_OK}`);
    const result = await check();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '.deployadvisor.yml:4:13: "riskZones[1].name": "api" is already the name of riskZones[0]; zone names must be unique.',
    );
  });

  it('in a GitHub job the errors and warnings are annotations on their lines and a summary section', async () => {
    setUp(`version: 1
riskZones: [{ name: vite, paths: ["pakages/vite/**"], risk: high }]
windows:
  peak: [{ days: mon-fri, from: "09:00", to: "17:00" }]
  preferred: [{ days: mon-thu, from: "10:00", to: "16:00" }]
`);
    const summary = join(repo.dir, 'summary.md');
    const result = await check([], { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    expect(result.code).toBe(2);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^::error file=\.deployadvisor\.yml,line=5,col=14,title=deployadvisor%3A policy error::"windows\.preferred": a change scoring 50-74 can never deploy/,
    );
    expect(lines[1]).toBe(
      '::warning file=.deployadvisor.yml,line=2,col=35,title=deployadvisor%3A policy warning::"riskZones[0].paths[0]": zone "vite": glob "pakages/vite/**" matches no tracked file. Did you mean "packages/vite/**"?',
    );
    const written = readFileSync(summary, 'utf8');
    expect(written).toContain('## deployadvisor: policy error');
    expect(written).toContain(
      '- error at `.deployadvisor.yml:5:14`: "windows.preferred": a change scoring 50-74',
    );
  });
});
