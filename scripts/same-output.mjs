// Shows that two builds give byte-identical output: runs the built CLI of this checkout and of another
// one (e.g. main before a refactor) on the same temp repositories with the same --now, and compares
// stdout, stderr and the exit code of plan, insights, backtest, explain, lineage and ledger commands.
//
//   node scripts/same-output.mjs <other-checkout>     (both built with `npm run build`)
//
// Exits 0 when every output is identical, 1 and prints the first differing lines otherwise.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const other = process.argv[2];
if (other === undefined) {
  console.error('usage: node scripts/same-output.mjs <other-checkout>');
  process.exit(2);
}
const bins = [here, resolve(other)].map((dir) => join(dir, 'bin', 'deployadvisor.js'));
for (const [at, bin] of bins.entries())
  if (!['cli.cjs', 'cli.js'].some((name) => existsSync(join(dirname(bin), '..', 'dist', name)))) {
    console.error(`${bin}: not built (run npm run build in ${[here, other][at]})`);
    process.exit(2);
  }

const NOW = '2026-11-23T10:00:00Z';
const env = (date) => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  TZ: 'UTC',
  NO_COLOR: '1',
  HOME: tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Dev',
  GIT_AUTHOR_EMAIL: 'dev@example.com',
  GIT_COMMITTER_NAME: 'Dev',
  GIT_COMMITTER_EMAIL: 'dev@example.com',
  GIT_AUTHOR_DATE: date,
  GIT_COMMITTER_DATE: date,
});
const git = (dir, args, date = '2026-11-01T10:00:00Z') =>
  execFileSync('git', ['-c', 'gc.auto=0', ...args], { cwd: dir, env: env(date), encoding: 'utf8' });

const POLICY = `version: 1
timezone: America/Los_Angeles
environments:
  production: { branch: main, deployedRef: "deploy/production/*", deployMinutes: 20 }
riskZones:
  - { name: payments, paths: ["src/payments/**"], risk: critical, minPatchCoverage: 0.8, requireReview: true }
  - { name: api, paths: ["src/api/**"], risk: medium }
windows:
  peak: [{ days: mon-fri, from: "09:00", to: "17:00" }]
  preferred: [{ days: mon-thu, from: "10:00", to: "16:00" }]
`;

/** A repository with history: plain, AI-assisted, reviewed, reverted and migration commits, and tags. */
function makeRepo() {
  const dir = mkdtempSync(join(tmpdir(), 'same-output-'));
  git(dir, ['init', '-q', '-b', 'main']);
  const commit = (day, files, message) => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '-m', message], `2026-11-${String(day).padStart(2, '0')}T1${day % 10}:00:00Z`);
  };
  commit(1, { '.deployadvisor.yml': POLICY, 'README.md': 'hello\n' }, 'Initial commit');
  git(dir, ['tag', 'deploy/production/2026-11-01']);
  const lines = (n, word) =>
    Array.from({ length: n }, (_, i) => `export const ${word}${i} = ${i};`).join('\n') + '\n';
  commit(3, { 'src/api/users.ts': lines(40, 'u') }, 'Add users API\n\nReviewed-by: Ann <ann@example.com>');
  commit(
    5,
    { 'src/payments/charge.ts': lines(120, 'c') },
    'Charge cards\n\nCo-authored-by: Claude <noreply@anthropic.com>',
  );
  commit(7, { 'src/payments/charge.ts': lines(60, 'c') }, 'Fix charge rounding');
  commit(9, { 'db/migrations/001_drop.sql': 'DROP TABLE old_orders;\n' }, 'Drop old orders');
  commit(11, { 'src/api/users.ts': lines(45, 'u') }, 'Users: five more\n\nAssisted-by: Copilot:gpt-4o');
  git(dir, ['revert', '--no-edit', 'HEAD'], '2026-11-12T10:00:00Z');
  commit(14, { 'docs/guide.md': '# Guide\n' }, 'Docs');
  return dir;
}

function run(bin, dir, args) {
  const result = spawnSync(process.execPath, [bin, '--repo', dir, ...args], {
    cwd: dir,
    env: env('2026-11-20T10:00:00Z'),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const dir = makeRepo();
// Ledger records (written once, by this checkout's CLI; both then read the same ledger).
const first = git(dir, ['rev-list', '--reverse', 'HEAD']).trim().split('\n');
const setup = [
  ['record', 'succeeded', '--sha', first[2], '--at', '2026-11-04T18:00:00Z'],
  ['record', 'failed', '--sha', first[3], '--at', '2026-11-06T18:00:00Z', '--reason', 'error rate 4%'],
  ['record', 'rolled-back', '--sha', first[3], '--at', '2026-11-06T19:00:00Z', '--reason', 'INC-1'],
  ['record', 'succeeded', '--sha', first[4], '--at', '2026-11-08T18:00:00Z'],
];
for (const args of setup) {
  const r = run(bins[0], dir, args);
  if (r.code !== 0) throw new Error(`setup ${args.join(' ')}: ${r.stderr}`);
}

// Each build runs on its own copy, so that caches (the blame cache under .git) do not leak between them.
const copies = [0, 1].map(() => {
  const copy = mkdtempSync(join(tmpdir(), 'same-output-copy-'));
  cpSync(dir, copy, { recursive: true });
  return copy;
});

const cases = [];
for (const format of ['text', 'json', 'markdown', 'github'])
  for (const target of ['HEAD', 'HEAD~2', first[3]])
    cases.push(['--format', format, 'plan', target, '--now', NOW]);
cases.push(['--format', 'json', 'plan', '--from', first[0], '--now', '2026-11-23T22:00:00-08:00']);
cases.push(['plan', '--override', 'hotfix INC-2', '--now', NOW]);
for (const format of ['text', 'json', 'markdown', 'html'])
  cases.push(['--format', format, 'insights', '--since', '60d', '--now', NOW, '--offline']);
for (const format of ['text', 'json', 'markdown']) cases.push(['--format', format, 'backtest']);
for (const format of ['text', 'json']) cases.push(['--format', format, 'calibrate', '--now', NOW]);
cases.push(['--format', 'json', 'backtest', `${first[1]}..HEAD`]);
for (const format of ['text', 'json', 'markdown']) cases.push(['--format', format, 'explain', first[2]]);
for (const format of ['text', 'json', 'markdown'])
  cases.push(['--format', format, 'lineage', `${first[0]}..HEAD`]);
cases.push(
  ['ledger', 'list'],
  ['--format', 'json', 'ledger', 'list'],
  ['ledger', 'export'],
  ['ledger', 'verify'],
);
cases.push(['config', 'check'], ['config', 'print'], ['config', 'schema']);
// Mistakes: the same message and exit code.
cases.push(
  ['--format', 'html', 'plan'],
  ['plan', '--env', 'moon'],
  ['insights', '--since', 'soon'],
  ['explain', 'nope'],
);

let differ = 0;
for (const args of cases) {
  const [mine, theirs] = bins.map((bin, at) => run(bin, copies[at], args));
  const same = mine.code === theirs.code && mine.stdout === theirs.stdout && mine.stderr === theirs.stderr;
  if (process.env.VERBOSE !== undefined)
    console.log(
      `${same ? 'same' : 'DIFF'}  exit ${mine.code}  ${mine.stdout.length} bytes  ${args.join(' ')}`,
    );
  if (!same) {
    differ += 1;
    console.log(`DIFFERENT: ${args.join(' ')} (exit ${mine.code} vs ${theirs.code})`);
    for (const key of ['stdout', 'stderr']) {
      const a = mine[key].split('\n');
      const b = theirs[key].split('\n');
      const at = a.findIndex((line, i) => line !== b[i]);
      if (at !== -1 || a.length !== b.length)
        console.log(
          `  ${key} line ${at + 1}:\n    this:  ${a[at] ?? '(end)'}\n    other: ${b[at] ?? '(end)'}`,
        );
    }
  }
}
for (const path of [dir, ...copies]) rmSync(path, { recursive: true, force: true });
console.log(`${cases.length - differ} of ${cases.length} outputs identical`);
process.exitCode = differ === 0 ? 0 : 1;
