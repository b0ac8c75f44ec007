import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/parse.js';
import { policyJsonSchema } from '../../src/config/json-schema.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

const ROOT = join(import.meta.dirname, '../..');
const repos: TestRepo[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

/** Every property path in a JSON Schema ("windows.peak[].from"). */
function schemaPaths(schema: Record<string, unknown>, prefix = ''): string[] {
  const paths: string[] = [];
  const visit = (node: unknown, at: string) => {
    if (node === null || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    for (const key of ['anyOf', 'oneOf', 'allOf'])
      if (Array.isArray(n[key])) for (const option of n[key]) visit(option, at);
    if (n.items !== undefined) visit(n.items, `${at}[]`);
    if (n.additionalProperties !== undefined && typeof n.additionalProperties === 'object')
      visit(n.additionalProperties, `${at}.*`);
    if (n.properties !== undefined) {
      for (const [key, child] of Object.entries(n.properties as Record<string, unknown>)) {
        const path = at === '' ? key : `${at}.${key}`;
        paths.push(path);
        visit(child, path);
      }
    }
  };
  visit(schema, prefix);
  return [...new Set(paths)];
}

describe('config schema', () => {
  it('prints a JSON Schema generated from the zod schema, with descriptions', async () => {
    const result = await runCli(['config', 'schema']);
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schemaPaths(schema)).toEqual(
      expect.arrayContaining([
        'riskZones[].minPatchCoverage',
        'windows.freezes[].level',
        'environments.*.rollback.command',
      ]),
    );
    expect(JSON.stringify(schema)).toContain('DST-safe');
  });
});

describe('.deployadvisor.example.yml', () => {
  const text = readFileSync(join(ROOT, '.deployadvisor.example.yml'), 'utf8');

  it('is a valid policy', () => {
    expect(() =>
      parsePolicy(text, { kind: 'file', path: '.deployadvisor.example.yml', ref: null, blobSha: null }),
    ).not.toThrow();
  });

  it('documents every key of the schema', () => {
    const keys = schemaPaths(policyJsonSchema()).map(
      (path) => path.split('.').pop()?.replace('[]', '') ?? path,
    );
    const missing = [...new Set(keys)].filter(
      (key) => key !== '*' && !new RegExp(`(^|[\\s{,])${key}:`, 'm').test(text),
    );
    expect(missing).toEqual([]);
  });
});

describe('init', () => {
  it('writes a commented policy from what it detects, which validates, and never overwrites', async () => {
    const repo = makeRepo();
    repos.push(repo);
    repo.write('.github/workflows/ci.yml', 'on: push\n');
    repo.write('db/migrate/20240101_users.rb', 'class X; def change; end; end\n');
    repo.write('src/payments/charge.ts', 'x\n');
    repo.write('src/auth/login.ts', 'x\n');
    repo.write('coverage/lcov.info', 'TN:\n');
    repo.commit('initial');
    const result = await runCli(['--repo', repo.dir, 'init'], { cwd: repo.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'Wrote .deployadvisor.yml: branch main, 3 risk zone(s), 1 migration folder(s), CI github.',
    );
    const written = readFileSync(join(repo.dir, '.deployadvisor.yml'), 'utf8');
    expect(written).toContain('paths: ["src/payments/**"]');
    expect(written).toContain('risk: critical');
    expect(written).toContain('paths: ["db/migrate/**"]');
    expect(written).toContain('Coverage reports seen: coverage/lcov.info');
    expect(written).toMatch(/^# /m);
    // The header points at commands every user has, not at files of this project's repository.
    expect(written).not.toContain('.deployadvisor.example.yml');
    expect(written).not.toContain('docs/');
    expect(written.split('\n').slice(0, 2).join('\n')).toContain(
      '`deployadvisor config schema` describes every key',
    );
    expect((await runCli(['--repo', repo.dir, 'config', 'check'], { cwd: repo.dir })).code).toBe(0);

    const again = await runCli(['--repo', repo.dir, 'init'], { cwd: repo.dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('.deployadvisor.yml already exists; init never overwrites it.');
    expect(readFileSync(join(repo.dir, '.deployadvisor.yml'), 'utf8')).toBe(written);
  });

  it('config print shows the effective policy with defaults filled in', async () => {
    const repo = makeRepo();
    repos.push(repo);
    repo.write('.deployadvisor.yml', 'timezone: Europe/Berlin\n');
    repo.commit('policy');
    const result = await runCli(['--repo', repo.dir, 'config', 'print']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('timezone: Europe/Berlin');
    expect(result.stdout).toContain('waitAt: 50');
    expect(existsSync(join(repo.dir, '.deployadvisor.yml'))).toBe(true);
  });

  it('--policy-ref reads the policy from a git ref, not the working tree', async () => {
    const repo = makeRepo();
    repos.push(repo);
    repo.write(
      '.deployadvisor.yml',
      'thresholds: { waitAt: 10, blockAt: 20 }\nwindows: { preferred: [{ days: mon-fri, from: "18:00", to: "20:00" }] }\n',
    );
    repo.commit('strict policy');
    repo.git('branch', 'base');
    repo.write('.deployadvisor.yml', 'thresholds: { waitAt: 99, blockAt: 100 }\n');
    const fromRef = await runCli([
      '--repo',
      repo.dir,
      '--policy-ref',
      'base',
      'config',
      'print',
      '--format',
      'json',
    ]);
    expect(fromRef.code).toBe(0);
    expect(fromRef.stdout).toContain('"blockAt": 20');
    const check = await runCli(['--repo', repo.dir, '--policy-ref', 'base', 'config', 'check']);
    expect(check.stdout).toContain('OK: base:.deployadvisor.yml is valid');
    const missing = await runCli(['--repo', repo.dir, '--policy-ref', 'nope', 'config', 'check']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      '--policy-ref nope: no .deployadvisor.yml or .deployadvisor.yaml at that ref.',
    );
  });
});

describe('init and --repo edge cases', () => {
  it('init in a repository with no migration folders still writes a valid policy', async () => {
    const repo = makeRepo();
    repos.push(repo);
    repo.write('README.md', 'x\n');
    repo.commit('initial');
    expect((await runCli(['--repo', repo.dir, 'init'], { cwd: repo.dir })).code).toBe(0);
    const check = await runCli(['--repo', repo.dir, 'config', 'check'], { cwd: repo.dir });
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
  });

  it('a --repo that does not exist is named, exit 2', async () => {
    const result = await runCli(['--repo', '/nonexistent/deployadvisor-test', 'plan']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--repo /nonexistent/deployadvisor-test: no such directory');
  });
});
