import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

// `--format github` inside a simulated Actions job (issue #14): the annotations match the exit code,
// file annotations carry lines, a policy error is an annotation and a summary section.
const POLICY = `version: 1
timezone: UTC
riskZones:
  - { name: payments, paths: ["src/payments/**"], risk: critical }
windows:
  peak: [{ days: mon-fri, from: "09:00", to: "17:00" }]
  preferred: [{ days: mon-thu, from: "17:00", to: "19:00" }]
  staffed: [{ days: mon-fri, from: "08:00", to: "19:00" }]
`;
const PEAK = '2026-11-24T11:00:00Z';

describe('--format github in an Actions job', () => {
  let repo: TestRepo;
  let base = '';
  let target = '';

  beforeAll(() => {
    repo = makeRepo('da-github-job-');
    repo.write('.deployadvisor.yml', POLICY);
    repo.writeLines('src/payments/charge.ts', 10);
    base = repo.commit('initial');
    repo.write('src/payments/charge.ts', 'line 1\nnew 2\nnew 3\nline 4\n');
    target = repo.commit('charge');
    repo.write(
      'coverage/lcov.info',
      'SF:src/payments/charge.ts\nDA:1,1\nDA:2,0\nDA:3,0\nDA:4,1\nend_of_record\n',
    );
  });
  afterAll(() => {
    repo.cleanup();
  });

  const job = (args: string[], summary: string) =>
    runCli(['--repo', repo.dir, '--format', 'github', ...args], {
      cwd: repo.dir,
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
    });
  const plan = (extra: string[], summary: string) =>
    job(['plan', target, '--from', base, '--now', PEAK, '--offline', ...extra], summary);

  it('a WAIT that fails the job (--fail-on wait) is an error, and so is the gate that makes it wait', async () => {
    const result = await plan([], join(repo.dir, 'wait.md'));
    expect(result.code).toBe(3);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^::error title=deployadvisor%3A WAIT \(score \d+\/100\)::/);
    expect(lines.some((line) => line.startsWith('::error title=Peak traffic::'))).toBe(true);
    expect(lines.filter((line) => line.startsWith('::warning title='))).toEqual([]);
  });

  it('the same WAIT under --fail-on block passes the job: a warning', async () => {
    const result = await plan(['--fail-on', 'block'], join(repo.dir, 'pass.md'));
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^::warning title=deployadvisor%3A WAIT/);
    expect(lines.some((line) => line.startsWith('::warning title=Peak traffic::'))).toBe(true);
    expect(lines.filter((line) => line.startsWith('::error'))).toEqual([]);
  });

  it('uncovered changed lines are annotated on their lines', async () => {
    const result = await plan(['--coverage', 'coverage/lcov.info'], join(repo.dir, 'cov.md'));
    expect(result.stdout.split('\n')).toContain(
      '::warning file=src/payments/charge.ts,line=2,endLine=3,title=Changed lines not covered::Changed lines 2-3 are not run by any test in the coverage reports.',
    );
  });

  it('an irreversible migration is annotated at the line of the statement that makes it so', async () => {
    repo.write('db/migrations/002_drop.sql', '-- drop the old table\nDROP TABLE users;\n');
    const withMigration = repo.commit('drop users');
    const result = await job(
      ['plan', withMigration, '--from', base, '--now', PEAK, '--offline'],
      join(repo.dir, 'migration.md'),
    );
    expect(result.stdout.split('\n')).toContain(
      '::error file=db/migrations/002_drop.sql,line=2,title=Irreversible migration::DROP TABLE: data it removes or converts cannot be restored by a down step',
    );
    repo.git('reset', '-q', '--hard', target);
  });

  it('a policy error is an annotation at its line and column, and a step-summary section', async () => {
    const broken = join(repo.dir, 'broken.yml');
    const summary = join(repo.dir, 'error.md');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(broken, 'version: 1\nthresholds:\n  waitAt: "fifty"\n');
    const result = await job(['--config', 'broken.yml', 'plan'], summary);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe(
      '::error file=broken.yml,line=3,col=11,title=deployadvisor%3A policy error::"thresholds.waitAt" must be a number, not the string "fifty".\n',
    );
    expect(result.stderr).toContain('broken.yml:3:11: "thresholds.waitAt" must be a number');
    expect(readFileSync(summary, 'utf8')).toBe(
      '## deployadvisor: policy error\n\nThe policy file has 1 error(s); no plan was made (exit 2).\n\n- error at `broken.yml:3:11`: "thresholds.waitAt" must be a number, not the string "fifty".\n',
    );
  });

  it('a policy error with no line (a missing --config file) is still an annotation and a summary line', async () => {
    const summary = join(repo.dir, 'missing.md');
    const result = await job(['--config', 'nope.yml', 'plan'], summary);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(
      /^::error title=deployadvisor%3A policy error::--config nope\.yml: file not found \(.*\)\. Check the path/,
    );
    expect(readFileSync(summary, 'utf8')).toContain('- error: --config nope.yml: file not found');
  });

  it('outside GitHub, the same policy error is only the message on stderr', async () => {
    const result = await runCli(['--repo', repo.dir, '--config', 'broken.yml', 'plan'], { cwd: repo.dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  });

  it('"next window: none" says which windows block every time', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      join(repo.dir, 'stuck.yml'),
      `${POLICY.replace('from: "17:00", to: "19:00"', 'from: "10:00", to: "16:00"')}thresholds: { waitAt: 30, riskyAt: 30 }\n`,
    );
    const text = await runCli(
      [
        '--repo',
        repo.dir,
        '--config',
        'stuck.yml',
        'plan',
        target,
        '--from',
        base,
        '--now',
        PEAK,
        '--offline',
      ],
      { cwd: repo.dir },
    );
    expect(text.code).toBe(3);
    // The text wraps at 80 columns: read it as one line.
    const flat = text.stdout.replace(/\s+/g, ' ');
    const line = flat.slice(flat.indexOf('next window'), flat.indexOf('next window') + 200);
    expect(line).toMatch(/^next window none in the next 28 days: every time is blocked by /);
    expect(line).toContain('peak mon-fri 09:00-17:00 UTC');
    expect(line).toContain('outside preferred mon-thu 10:00-16:00');
  });
});
