import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/policy');
const cases = readdirSync(FIXTURES).sort();

describe('every policy mistake gets its message and exit 2 (fixtures/policy/<case>)', () => {
  it('has the cases the issue names', () => {
    expect(cases).toEqual(
      expect.arrayContaining(['yaml-syntax', 'unknown-key', 'wrong-type', 'alias-bomb', 'oversized']),
    );
  });

  it.each(cases)('%s', async (name) => {
    const dir = join(FIXTURES, name);
    const expected = readFileSync(join(dir, 'expected.txt'), 'utf8').trim().split('\n');
    const result = await runCli(['--config', '.deployadvisor.yml', 'config', 'check'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    for (const line of expected) expect(result.stderr).toContain(line);
    expect(result.stderr).toContain('.deployadvisor.yml');
    expect(result.stderr).not.toMatch(/\n\s+at /); // never a stack trace
  });

  it('YAML syntax errors name the line and column', async () => {
    const result = await runCli(['--config', '.deployadvisor.yml', 'config', 'check'], {
      cwd: join(FIXTURES, 'yaml-syntax'),
    });
    expect(result.stderr).toMatch(/\.deployadvisor\.yml:\d+:\d+: YAML syntax error/);
  });

  it('the same mistakes stop `plan` with exit 2 before any verdict', async () => {
    const result = await runCli(['--config', '.deployadvisor.yml', 'plan'], {
      cwd: join(FIXTURES, 'unknown-key'),
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  });

  it('a pattern that can backtrack catastrophically stops `plan` too, before it could hang', async () => {
    const result = await runCli(['--config', '.deployadvisor.yml', 'plan', '--offline'], {
      cwd: join(FIXTURES, 'redos-pattern'),
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('"ai.markers[1].pattern": pattern "(a+)+$" can take exponential time');
  });

  it('a missing --config file names the path', async () => {
    const result = await runCli(['--config', 'nope.yml', 'config', 'check'], { cwd: FIXTURES });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--config nope.yml: file not found');
  });
});
