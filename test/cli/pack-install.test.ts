import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo } from '../helpers/repo.js';

/**
 * Installable as people install CLIs: `npm pack` (one pack per run; it builds through prepare), then
 * `npm install -g --prefix <tmp> <tarball>`, then the installed `deployadvisor` on a temp repository
 * with a bare environment (PATH with Node and git only).
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VERSION = (
  JSON.parse(execFileSync('npm', ['pkg', 'get', 'version'], { cwd: ROOT, encoding: 'utf8' })) as string
).trim();

let work: string;
let tarball: string;
let files: string[];
let prefix: string;
let repo: TestRepo;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'da-pack-'));
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(work, packed[0]?.filename ?? '');
  files = (packed[0]?.files ?? []).map((file) => file.path);
  prefix = join(work, 'prefix');
  execFileSync(
    'npm',
    ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', tarball],
    { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  repo = makeRepo('da-pack-repo-');
  repo.writeLines('src/app.ts', 10);
  repo.commit('initial');
  repo.writeLines('src/app.ts', 20);
  repo.commit('feat: more');
}, 300_000);

afterAll(() => {
  repo.cleanup();
  rmSync(work, { recursive: true, force: true });
});

/** The installed binary, with only Node's and git's directories on PATH. */
function installed(args: string[], cwd: string) {
  const bin = join(prefix, 'bin');
  const path = [
    bin,
    ...new Set(
      [process.execPath, execFileSync('which', ['git'], { encoding: 'utf8' }).trim()].map((p) =>
        p.slice(0, p.lastIndexOf('/')),
      ),
    ),
  ].join(':');
  return spawnSync(join(bin, 'deployadvisor'), args, {
    cwd,
    encoding: 'utf8',
    env: { PATH: path, HOME: cwd, NO_COLOR: '1', TZ: 'UTC' },
  });
}

describe('npm pack, then a global install into a temp prefix', () => {
  it('ships the built CLI, its shim and the docs, not the sources, tests or fixtures', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'bin/deployadvisor.js',
        'dist/cli.cjs',
        'package.json',
        'README.md',
        'docs/plan.schema.json',
        '.deployadvisor.example.yml',
      ]),
    );
    const unwanted = files.filter(
      (file) =>
        /^(src|test|fixtures|scripts|model|node_modules)\//.test(file) ||
        file.startsWith('.ci/') ||
        file.startsWith('.cache/'),
    );
    expect(unwanted).toEqual([]);
  });

  it('runs --version and plan --offline from the installed bin', () => {
    expect(existsSync(join(prefix, 'bin', 'deployadvisor'))).toBe(true);
    // Dependencies were installed from the registry, not linked from this checkout.
    expect(readdirSync(join(prefix, 'lib', 'node_modules', 'deployadvisor', 'node_modules'))).toContain(
      'commander',
    );
    const version = installed(['--version'], repo.dir);
    expect(version.stdout).toBe(`${VERSION}\n`);
    expect(version.status).toBe(0);
    const plan = installed(
      ['plan', '--offline', '--format', 'json', '--now', '2026-11-23T10:00:00Z'],
      repo.dir,
    );
    expect(plan.stderr).toBe('');
    expect(plan.status).toBe(0);
    expect((JSON.parse(plan.stdout) as { verdict: string }).verdict).toBe('GO');
    const mcpHelp = installed(['mcp', '--help'], repo.dir);
    expect(mcpHelp.status).toBe(0);
    expect(mcpHelp.stdout).toContain('--allow-record');
  });
});
