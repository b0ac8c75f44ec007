import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { IN_FREEZE, OFF_PEAK, PEAK, SCENARIO_POLICY } from '../helpers/policy.js';
import { BIN, spawnCliSync } from '../helpers/run.js';

/** Spawns the built binary with a bare environment, as a CI job would. */
function run(args: string[], cwd?: string) {
  return spawnCliSync(args, cwd === undefined ? {} : { cwd });
}

/**
 * Spawns the built binary with its stdout a pipe whose reading end is closed at once, like
 * `deployadvisor plan | head -0`: every write fails with EPIPE.
 */
function runIntoClosedPipe(args: string[], cwd?: string) {
  return new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1', HOME: cwd ?? '/tmp', TZ: 'UTC' },
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stderr });
    });
  });
}

describe('the built binary', () => {
  let repo: TestRepo;
  beforeAll(() => {
    if (!existsSync(join(import.meta.dirname, '../../dist/cli.cjs')))
      throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
    repo = makeRepo();
    repo.write('.deployadvisor.yml', SCENARIO_POLICY);
    repo.writeLines('src/payments/charge.ts', 20);
    repo.commit('initial');
    repo.git('tag', 'deploy/production/1');
    repo.write('README.md', 'docs\n');
    repo.commit('docs only');
    repo.git('tag', 'docs-change');
    repo.writeLines('src/payments/charge.ts', 320, 'charge');
    repo.commit('charge flow', {
      trailers: ['Co-authored-by: Claude <noreply@anthropic.com>', 'Reviewed-by: Rita <r@example.com>'],
    });
    repo.git('tag', 'reviewed-ai');
    repo.writeLines('src/payments/refund.ts', 200, 'refund');
    repo.commit('refunds', { trailers: ['Co-authored-by: Claude <noreply@anthropic.com>'] });
  });
  afterAll(() => {
    repo.cleanup();
  });

  it('--version prints the package version', () => {
    const result = run(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('--help documents the commands and every exit code', () => {
    const result = run(['--help']);
    expect(result.code).toBe(0);
    for (const text of [
      'plan [options] [target]',
      'init',
      'config',
      '--format <format>',
      '--policy-ref <ref>',
      '--no-color',
    ]) {
      expect(result.stdout).toContain(text);
    }
    expect(result.stdout).toContain(
      [
        'Exit codes:',
        '  0  GO (or any verdict below --fail-on)',
        '  1  unexpected internal error (a bug: please report it)',
        '  2  usage, configuration or input error',
        '  3  WAIT: ship later; the plan says until when and why',
        '  4  BLOCK: risk or a hard gate needs a human decision or --override',
        '  5  INCONCLUSIVE: required evidence is missing (shallow history, ...)',
      ].join('\n'),
    );
    const plan = run(['plan', '--help']);
    for (const option of [
      '--env <name>',
      '--from <ref>',
      '--now <iso-8601>',
      '--fail-on <level>',
      '--override <reason>',
      '--dry-run',
    ]) {
      expect(plan.stdout).toContain(option);
    }
  });

  it('GO: exit 0, verdict first on stdout, nothing on stderr', () => {
    const result = run(['plan', 'docs-change', '--now', OFF_PEAK], repo.dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^GO {2}deploy [0-9a-f]{12} \(docs-change\) to production — score 0\/100\n/,
    );
  });

  it('WAIT: exit 3 and the next window', () => {
    const result = run(['plan', 'reviewed-ai', '--now', PEAK], repo.dir);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^WAIT /);
    expect(result.stdout).toContain('next window  Mon 23 Nov 20:00 – 22:00 America/Los_Angeles (in 9h)');
  });

  it('BLOCK: exit 4; a freeze blocks with its reason', () => {
    const risky = run(['plan', '--now', PEAK], repo.dir);
    expect(risky.code).toBe(4);
    expect(risky.stdout).toMatch(/^BLOCK /);
    const frozen = run(['plan', 'docs-change', '--now', IN_FREEZE], repo.dir);
    expect(frozen.code).toBe(4);
    expect(frozen.stdout).toContain('Holiday freeze');
  });

  it('INCONCLUSIVE: exit 5 on a shallow clone', () => {
    const clone = makeRepo('da-clone-');
    try {
      clone.cleanup();
      spawnSync('git', ['clone', '-q', '--depth', '1', `file://${repo.dir}`, clone.dir]);
      const result = run(['plan', '--now', OFF_PEAK], clone.dir);
      expect(result.code).toBe(5);
      expect(result.stdout).toMatch(/^INCONCLUSIVE /);
    } finally {
      clone.cleanup();
    }
  });

  it('usage mistakes: exit 2 with a one-paragraph message, no stack trace', () => {
    const badFormat = run(['--format', 'yaml', 'plan'], repo.dir);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain("option '--format <format>' argument 'yaml' is invalid");
    const badNow = run(['plan', '--now', 'yesterday'], repo.dir);
    expect(badNow.code).toBe(2);
    expect(badNow.stderr).toBe(
      'deployadvisor: --now "yesterday": expected an ISO-8601 date-time such as 2026-11-23T14:00:00Z or 2026-11-23T06:00-08:00.\n',
    );
    const badEnv = run(['plan', '--env', 'moon'], repo.dir);
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toContain('--env moon: no such environment');
    const unknown = run(['deploy'], repo.dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'deploy'");
  });

  it('a reader that stops early (`| head -1`): no EPIPE stack trace, the exit code is kept', async () => {
    const head = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" --help | head -1`], {
      encoding: 'utf8',
    });
    expect(head.stderr).toBe('');
    expect(head.stdout).toBe('Usage: deployadvisor [options] [command]\n');
    const help = await runIntoClosedPipe(['--help']);
    expect(help).toEqual({ code: 0, stderr: '' });
    const version = await runIntoClosedPipe(['--version']);
    expect(version).toEqual({ code: 0, stderr: '' });
    const blocked = await runIntoClosedPipe(['--format', 'json', 'plan', '--now', PEAK], repo.dir);
    expect(blocked).toEqual({ code: 4, stderr: '' });
  });

  it('--format json is the plan schema; --output writes a file', () => {
    const result = run(['--format', 'json', 'plan', '--now', PEAK], repo.dir);
    const plan = JSON.parse(result.stdout) as { schemaVersion: string; exitCode: number };
    expect(plan.schemaVersion).toBe('deployadvisor.plan/1');
    expect(plan.exitCode).toBe(result.code);
    const out = run(['--format', 'markdown', '--output', 'plan.md', 'plan', '--now', PEAK], repo.dir);
    expect(out.stdout).toBe('');
    expect(existsSync(join(repo.dir, 'plan.md'))).toBe(true);
  });
});
