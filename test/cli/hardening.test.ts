import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { BIN, spawnCliSync } from '../helpers/run.js';

/** Hostile paths, files and names given to the built binary: each one named, exit 2, no stack trace. */

const NOW = '2026-11-23T10:00:00Z';

function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  return spawnCliSync(args, { cwd, env });
}

/** What every user mistake must look like on stderr. */
function expectUserError(result: { code: number | null; stderr: string }, ...named: string[]) {
  expect(result.code).toBe(2);
  expect(result.stderr).not.toContain('internal error');
  expect(result.stderr).not.toMatch(/\n\s+at /);
  for (const text of named) expect(result.stderr).toContain(text);
}

let repo: TestRepo;
let scratch: string;
beforeAll(() => {
  if (!existsSync(join(import.meta.dirname, '../../dist/cli.cjs')))
    throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
  repo = makeRepo();
  repo.write('src/app.ts', 'export const a = 1;\n');
  repo.commit('initial');
  scratch = mkdtempSync(join(tmpdir(), 'da-hardening-'));
});
afterAll(() => {
  repo.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

describe('files the tool writes', () => {
  it.each([
    ['a missing directory', () => join(scratch, 'no-such-dir', 'summary.md'), 'does not exist'],
    ['a directory', () => scratch, 'is a directory'],
    ['/dev/full', () => '/dev/full', 'no space left'],
  ])('GITHUB_STEP_SUMMARY at %s: exit 2 naming it, the plan still printed', (_what, path, why) => {
    const summary = path();
    const result = run(['--format', 'github', 'plan', '--now', NOW, '--fail-on', 'block'], repo.dir, {
      GITHUB_STEP_SUMMARY: summary,
    });
    expectUserError(result, 'GITHUB_STEP_SUMMARY', summary, why);
    // The annotation and the whole markdown plan, on stdout instead of the summary.
    expect(result.stdout).toContain('::notice title=deployadvisor%3A GO');
    expect(result.stdout).toContain('## 🟢 GO — deploy');
  });

  it('GITHUB_STEP_SUMMARY that cannot be written does not stop --record', () => {
    const summary = join(scratch, 'no-such-dir', 'summary.md');
    const result = run(
      ['--format', 'github', 'plan', '--now', NOW, '--fail-on', 'block', '--record'],
      repo.dir,
      { GITHUB_STEP_SUMMARY: summary },
    );
    expectUserError(result, 'GITHUB_STEP_SUMMARY', 'recorded plan #1');
    const list = run(['--format', 'json', 'ledger', 'list'], repo.dir);
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as Array<{ type: string }>).map((r) => r.type)).toEqual(['plan']);
  });

  it('GITHUB_STEP_SUMMARY that can be written gets the plan appended, stdout only the annotations', () => {
    const summary = join(scratch, 'summary.md');
    const result = run(['--format', 'github', 'plan', '--now', NOW, '--fail-on', 'block'], repo.dir, {
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('## 🟢 GO');
    expect(readFileSync(summary, 'utf8')).toContain('## 🟢 GO — deploy');
  });

  it.each([
    ['a missing directory', () => join(scratch, 'no-such-dir', 'plan.md'), 'does not exist'],
    ['a directory', () => scratch, 'is a directory'],
    ['a file as its directory', () => join(BIN, 'plan.md'), 'is not a directory'],
  ])('--output to %s: exit 2 naming the path', (_what, path, why) => {
    const output = path();
    for (const command of [['plan', '--now', NOW], ['ledger', 'list'], ['lineage']]) {
      expectUserError(run(['--output', output, ...command], repo.dir), `--output ${output}`, why);
    }
  });

  it('init --config into a missing directory: exit 2 naming the path', () => {
    const target = join(scratch, 'missing', '.deployadvisor.yml');
    expectUserError(run(['--config', target, 'init'], repo.dir), target, 'does not exist');
  });
});

describe('coverage reports that are not reports', () => {
  const garbage: Array<[string, string | Buffer]> = [
    ['empty.info', ''],
    ['random.info', randomBytes(4096)],
    ['notes.out', 'hello, this is not a Go coverprofile\n'],
    ['coverage-final.json', '{"a": 1}\n'],
    ['.resultset.json', '[]\n'],
    ['lcov.lcov', 'TN:\nend_of_record\n'],
    ['cobertura.xml', '<coverage></coverage>\n'],
  ];
  beforeAll(() => {
    for (const [name, content] of garbage) writeFileSync(join(repo.dir, name), content);
  });

  it.each(garbage.map(([name]) => name))('--coverage %s: unreadable, named, never usable', (name) => {
    const result = run(
      ['--format', 'json', 'plan', '--now', NOW, '--fail-on', 'block', '--coverage', name],
      repo.dir,
    );
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as {
      coverage: { status: string; reports: Array<{ path: string; status: string }> };
      diagnostics: Array<{ id: string; message: string }>;
    };
    expect(plan.coverage.reports).toEqual([expect.objectContaining({ path: name, status: 'unreadable' })]);
    expect(plan.coverage.status).toBe('unusable');
    expect(plan.diagnostics.find((d) => d.id === 'coverage-unreadable')?.message).toContain(name);
  });

  it.each([
    ['a directory', () => scratch, 'found a directory'],
    ['/dev/null', () => '/dev/null', 'found a character device'],
    ['a missing file', () => join(scratch, 'nope.info'), 'no such report file'],
  ])('--coverage naming %s: exit 2 saying what it is', (_what, path, why) => {
    const file = path();
    expectUserError(run(['plan', '--now', NOW, '--coverage', file], repo.dir), `--coverage ${file}`, why);
  });
});

describe('--repo that is not a directory', () => {
  it.each([
    ['a file', () => BIN, 'expected a directory, found a file'],
    ['/dev/null', () => '/dev/null', 'expected a directory, found a character device'],
    ['a missing path', () => join(scratch, 'nope'), 'no such directory'],
  ])('--repo %s: exit 2 saying what it is', (_what, path, why) => {
    const dir = path();
    expectUserError(run(['--repo', dir, 'plan', '--now', NOW], repo.dir), `--repo ${dir}: ${why}`);
  });
});

describe('policy files that are not policies', () => {
  it.each([
    ['/dev/null', () => '/dev/null', 'found a character device'],
    ['a directory', () => scratch, 'found a directory'],
  ])('--config %s: exit 2 saying what it is', (_what, path, why) => {
    const file = path();
    for (const command of [
      ['config', 'check'],
      ['plan', '--now', NOW],
    ]) {
      expectUserError(run(['--config', file, ...command], repo.dir), `--config ${file}`, why);
    }
  });

  it.each([
    ['empty', ''],
    ['only whitespace', '\n  \n'],
    ['only comments', '# the policy\n# comes later\n'],
  ])('a policy file that is %s: exit 2, not "all defaults"', (_what, text) => {
    const dir = join(scratch, `policy-${text.length}`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'policy.yml');
    writeFileSync(file, text);
    for (const command of [
      ['config', 'check'],
      ['plan', '--now', NOW],
    ]) {
      expectUserError(run(['--config', file, ...command], repo.dir), file, 'the policy file is empty');
    }
  });
});

describe('environment names are own keys of environments', () => {
  const inherited = ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

  it.each(inherited)('--env %s: exit 2, no such environment, in every command that takes --env', (env) => {
    for (const command of [
      ['plan', '--now', NOW],
      ['lineage'],
      ['insights', '--now', NOW],
      ['backtest'],
      ['record', 'started'],
      ['calibrate'],
    ]) {
      const result = run([...command, '--env', env], repo.dir);
      expectUserError(result, `--env ${env}: no such environment`, 'known: production');
    }
  });

  it('a near miss gets a did-you-mean', () => {
    const result = run(['plan', '--now', NOW, '--env', 'prodution'], repo.dir);
    expectUserError(result, '--env prodution: no such environment', 'Did you mean --env production?');
  });

  it('defaultEnvironment: toString is not one of the environments', () => {
    const file = join(scratch, 'default-env.yml');
    writeFileSync(file, 'version: 1\ndefaultEnvironment: toString\n');
    expectUserError(
      run(['--config', file, 'config', 'check'], repo.dir),
      '"defaultEnvironment" is "toString"',
    );
  });

  it('an environment named __proto__ is refused with its line (it would vanish)', () => {
    const file = join(scratch, 'proto-env.yml');
    writeFileSync(file, 'version: 1\nenvironments:\n  production: {}\n  __proto__:\n    branch: main\n');
    expectUserError(
      run(['--config', file, 'config', 'check'], repo.dir),
      `${file}:5:5: "environments.__proto__"`,
    );
  });

  it('an environment really named constructor is found', () => {
    const file = join(scratch, 'constructor-env.yml');
    writeFileSync(file, 'version: 1\ndefaultEnvironment: constructor\nenvironments:\n  constructor: {}\n');
    const result = run(['--config', file, 'plan', '--now', NOW, '--fail-on', 'block'], repo.dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('to constructor');
  });
});

describe('a checkout that is not built or not installed', () => {
  /** A copy of the real bin/ shim (and scripts/prepare.mjs) in a directory of its own. */
  function checkout(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'da-checkout-'));
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'scripts'));
    copyFileSync(BIN, join(dir, 'bin/deployadvisor.js'));
    copyFileSync(join(import.meta.dirname, '../../scripts/prepare.mjs'), join(dir, 'scripts/prepare.mjs'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  }
  const spawnNode = (script: string, cwd: string) =>
    spawnSync(process.execPath, [script, 'plan'], {
      cwd,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });

  it('without dist/: exit 2, "run npm run build", no stack trace', () => {
    const dir = checkout({});
    try {
      const result = spawnNode(join(dir, 'bin/deployadvisor.js'), dir);
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(
        `deployadvisor: ${join(dir, 'dist/cli.cjs')} is missing: this checkout is not built; run \`npm run build\` in ${dir}/ (\`npm ci\` builds too).\n`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without its dependencies: exit 2, "run npm ci", no stack trace', () => {
    const dir = checkout({ 'dist/cli.cjs': "require('commander');\n" });
    try {
      const result = spawnNode(join(dir, 'bin/deployadvisor.js'), dir);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain("a dependency is not installed (Cannot find module 'commander'");
      expect(result.stderr).toContain(`run \`npm ci\` in ${dir}/.`);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a bug in the CLI itself still shows its stack (it is not hidden as a setup problem)', () => {
    const dir = checkout({ 'dist/cli.cjs': "throw new Error('boom');\n" });
    try {
      const result = spawnNode(join(dir, 'bin/deployadvisor.js'), dir);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('Error: boom');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('the compile cache under .cache/v8/', () => {
    // A bundle that says what it was run with and reports `plan` as the command that ran.
    const BUNDLE =
      "exports.run = async () => { process.stdout.write('ran ' + process.argv.slice(2).join(' ') + '\\n'); return 'plan'; };\n";
    const launch = (dir: string, env: Record<string, string> = {}) =>
      spawnSync(process.execPath, [join(dir, 'bin/deployadvisor.js'), 'plan', '--offline'], {
        cwd: dir,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', ...env },
      });
    const cacheFiles = (dir: string): string[] => {
      const base = join(dir, '.cache', 'v8');
      if (!existsSync(base)) return [];
      return readdirSync(base).flatMap((build) =>
        readdirSync(join(base, build)).map((name) => join(base, build, name)),
      );
    };

    it('is written by the first run of a command, read by the next, and rewritten when V8 rejects it', () => {
      const dir = checkout({ 'dist/cli.cjs': BUNDLE });
      try {
        expect(launch(dir).stdout).toBe('ran plan --offline\n');
        const [file, ...more] = cacheFiles(dir);
        expect(more).toEqual([]);
        expect(file).toMatch(
          new RegExp(
            `/\\.cache/v8/[0-9a-f]{16}/plan\\.${process.version.replace(/\./g, '\\.')}-${process.arch}\\.bin$`,
          ),
        );
        const written = readFileSync(file ?? '');
        expect(written.length).toBeGreaterThan(0);
        // Accepted: the next run reads it and leaves it alone.
        utimesSync(file ?? '', new Date(0), new Date(0));
        expect(launch(dir).stdout).toBe('ran plan --offline\n');
        expect(statSync(file ?? '').mtimeMs).toBe(0);
        // Damaged (its header, or the middle of its data, which V8 itself does not check and which
        // once crashed Node on every run): ignored, the run is unaffected, and a good one replaces it.
        for (const damage of [
          () => Buffer.from('not a code cache'),
          (data: Buffer) => {
            const copy = Buffer.from(data);
            const middle = Math.floor(copy.length / 2);
            for (let i = middle; i < middle + 16; i++) copy.writeUInt8((copy.readUInt8(i) ^ 0xff) & 0xff, i);
            return copy;
          },
        ]) {
          writeFileSync(file ?? '', damage(written));
          const damaged = launch(dir);
          expect(damaged.status).toBe(0);
          expect(damaged.stdout).toBe('ran plan --offline\n');
          expect(damaged.stderr).toBe('');
          const rewritten = readFileSync(file ?? '');
          expect(createHash('sha256').update(rewritten.subarray(32)).digest()).toEqual(
            rewritten.subarray(0, 32),
          );
        }
        // Writable by others: not trusted with code; replaced by one only its owner can write.
        chmodSync(file ?? '', 0o666);
        utimesSync(file ?? '', new Date(0), new Date(0));
        expect(launch(dir).stdout).toBe('ran plan --offline\n');
        expect(statSync(file ?? '').mtimeMs).not.toBe(0);
        expect(statSync(file ?? '').mode & 0o777).toBe(0o644);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("a new build replaces the old build's caches; NODE_DISABLE_COMPILE_CACHE=1 writes none", () => {
      const dir = checkout({ 'dist/cli.cjs': BUNDLE });
      try {
        launch(dir);
        const [old] = cacheFiles(dir);
        writeFileSync(join(dir, 'dist/cli.cjs'), `// rebuilt\n${BUNDLE}`);
        expect(launch(dir).stdout).toBe('ran plan --offline\n');
        const [now, ...more] = cacheFiles(dir);
        expect(more).toEqual([]);
        expect(now).not.toBe(old);
        rmSync(join(dir, '.cache'), { recursive: true });
        expect(launch(dir, { NODE_DISABLE_COMPILE_CACHE: '1' }).stdout).toBe('ran plan --offline\n');
        expect(existsSync(join(dir, '.cache'))).toBe(false);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it('package.json builds on install (prepare), and without tsup (--omit=dev) says so and succeeds', () => {
    const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(manifest.scripts.prepare).toBe('node scripts/prepare.mjs');
    const dir = checkout({});
    try {
      const result = spawnSync(process.execPath, [join(dir, 'scripts/prepare.mjs')], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(result.status).toBe(0);
      expect(result.stderr).toContain(
        'tsup is not installed (dev dependencies omitted), so dist/ is not built',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
