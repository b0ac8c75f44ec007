#!/usr/bin/env node
// Benchmarks `deployadvisor plan` and `backtest` against git itself on synthetic repositories.
//
//   npm run bench            (builds first, then runs this script)
//   node scripts/bench.mjs   (uses the existing dist/)
//
// Repositories are generated once with `git fast-import` under .bench/ (git-ignored) and reused while
// their marker file matches the generator parameters. The script reports; it does not gate: it exits
// 0 when a target is missed and non-zero only when a command fails. Environment knobs:
//   BENCH_RUNS=<n>    timed runs per case (default 5; the median is reported)
//   BENCH_ONLY=10k    only the 10k repository (handy while iterating)

import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BENCH_DIR = join(ROOT, '.bench');
const CLI =
  process.env.BENCH_CLI === undefined
    ? join(ROOT, 'bin', 'deployadvisor.js')
    : resolve(process.env.BENCH_CLI);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5) || 5);
const NOW = '2026-11-23T10:00:00Z';
const TARGET_RATIO = 1.5;
const TIME_BIN = '/usr/bin/time';
const HAS_TIME = existsSync(TIME_BIN);

/** Bump when the generated content changes, so stale repositories are rebuilt. */
const GENERATOR_VERSION = 2;
const REPOS = [
  { name: 'repo-10k', commits: 10_000, range: 1_000, seed: 0x10_000 },
  { name: 'repo-100k', commits: 100_000, range: 10_000, seed: 0x100_000 },
].filter((repo) => process.env.BENCH_ONLY === undefined || repo.name.endsWith(process.env.BENCH_ONLY));

class BenchError extends Error {}

// ---------------------------------------------------------------------------------------------------
// Synthetic repositories

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DIRS = 100;
const FILES_PER_DIR = 20; // 2,000 source paths
const START_EPOCH = Date.UTC(2024, 0, 1) / 1000;
const STEP_SECONDS = 600; // ~10 minutes between commits
const AUTHORS = [
  ['Alice Martin', 'alice@example.com'],
  ['Bob Chen', 'bob@example.com'],
  ['Carol Diaz', 'carol@example.com'],
  ['Dan Okafor', 'dan@example.com'],
  ['Eve Novak', 'eve@example.com'],
  ['Frank Ito', 'frank@example.com'],
];
const VERBS = ['Fix', 'Add', 'Refactor', 'Update', 'Tidy', 'Speed up', 'Document', 'Handle'];
const NOUNS = [
  'parser',
  'cache',
  'retry logic',
  'session store',
  'billing export',
  'auth flow',
  'CLI flags',
  'queue',
];
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma', 'kappa', 'theta', 'lambda', 'zeta'];

function generatorSignature(repo) {
  return JSON.stringify({
    version: GENERATOR_VERSION,
    commits: repo.commits,
    seed: repo.seed,
    DIRS,
    FILES_PER_DIR,
  });
}

/** Produces the fast-import stream commit by commit, in chunks of text. */
function* fastImportChunks(repo) {
  const rand = mulberry32(repo.seed);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  const files = new Map(); // path -> array of lines
  let migration = 0;
  let out = '';
  // Some changes are reverted a few commits later (squash-merge style, `Revert "<subject>" (#n)`),
  // more often the larger and the AI-assisted ones, so backtest has labels with a signal to find.
  const reverts = new Map(); // commit index -> subjects to revert just before it
  let pr = 0;
  const data = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;

  for (let i = 0; i < repo.commits; i++) {
    const when = `${START_EPOCH + i * STEP_SECONDS} +0000`;
    for (const subject of reverts.get(i) ?? []) {
      const revertWhen = `${START_EPOCH + i * STEP_SECONDS - 60} +0000`;
      const message = `Revert "${subject}" (#${++pr + 1_000_000})\n\nIt broke the build.\n`;
      out += `commit refs/heads/main\nauthor Bob Chen <bob@example.com> ${revertWhen}\ncommitter Bob Chen <bob@example.com> ${revertWhen}\n${data(message)}`;
      out += `M 100644 inline REVERTS.md\n${data(`reverted: ${subject}\n`)}\n`;
    }
    reverts.delete(i);
    const [name, email] = AUTHORS[i % 7 === 0 ? 0 : int(0, AUTHORS.length - 1)];
    const changes = [];

    // 1-5 source files, a few lines changed each.
    const count = int(1, 5);
    const touched = new Set();
    for (let f = 0; f < count; f++) {
      const path = `src/d${String(int(0, DIRS - 1)).padStart(2, '0')}/f${String(int(0, FILES_PER_DIR - 1)).padStart(2, '0')}.ts`;
      if (touched.has(path)) continue;
      touched.add(path);
      let lines = files.get(path);
      if (lines === undefined) {
        lines = Array.from({ length: 12 }, (_, n) => `export const v${n} = '${pick(WORDS)}';`);
        files.set(path, lines);
      }
      const edits = int(1, 3);
      for (let e = 0; e < edits; e++) {
        const at = int(0, lines.length - 1);
        lines[at] = `export const v${at} = '${pick(WORDS)}-${i}';`;
      }
      if (lines.length < 30 && rand() < 0.3) lines.push(`export const v${lines.length} = ${i};`);
      changes.push([path, `${lines.join('\n')}\n`]);
    }

    // Now and then a migration: mostly reversible up/down pairs, sometimes a destructive plain file.
    if (i > 0 && i % 150 === 0) {
      migration++;
      const id = String(migration).padStart(6, '0');
      if (rand() < 0.25) {
        changes.push([
          `db/migrations/${id}_drop_legacy_${migration}.sql`,
          `ALTER TABLE t${migration} DROP COLUMN legacy;\n`,
        ]);
      } else {
        changes.push([
          `db/migrations/${id}_add_col_${migration}.up.sql`,
          `ALTER TABLE t${migration} ADD COLUMN c INT;\n`,
        ]);
        changes.push([
          `db/migrations/${id}_add_col_${migration}.down.sql`,
          `ALTER TABLE t${migration} DROP COLUMN c;\n`,
        ]);
      }
    }

    const subject = `${pick(VERBS)} ${pick(NOUNS)} (#${i + 1})`;
    let message = `${subject}\n\nChange ${i + 1} of the synthetic history.\n`;
    const trailers = [];
    const ai = rand() < 0.2;
    if (ai) trailers.push('Co-authored-by: Claude <noreply@anthropic.com>');
    if (rand() < 0.01 + 0.01 * changes.length + (ai ? 0.02 : 0)) {
      const at = i + int(2, 20);
      reverts.set(at, [...(reverts.get(at) ?? []), subject]);
    }
    if (rand() < 0.15) trailers.push('Reviewed-by: Alice <alice@example.com>');
    if (rand() < 0.05) trailers.push('Assisted-by: copilot:gpt-4');
    if (trailers.length > 0) message += `\n${trailers.join('\n')}\n`;

    out += `commit refs/heads/main\nauthor ${name} <${email}> ${when}\ncommitter ${name} <${email}> ${when}\n${data(message)}`;
    for (const [path, content] of changes) out += `M 100644 inline ${path}\n${data(content)}`;
    out += '\n';
    if (out.length > 1 << 20) {
      yield out;
      out = '';
    }
  }
  if (out !== '') yield out;
}

function git(cwd, args, { input } = {}) {
  const result = spawnSync('git', args, { cwd, input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (result.error !== undefined || result.status !== 0) {
    throw new BenchError(
      `git ${args.join(' ')} failed in ${cwd}: ${result.error?.message ?? result.stderr.trim()}`,
    );
  }
  return result.stdout;
}

/** Streams the generated history into `git fast-import`, honouring back-pressure. */
function fastImport(dir, repo) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('git', ['fast-import', '--quiet', '--done'], {
      cwd: dir,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise();
      else reject(new BenchError(`git fast-import exited ${code}: ${stderr.trim()}`));
    });
    child.stdin.on('error', (error) =>
      reject(new BenchError(`writing to git fast-import: ${error.message}; ${stderr.trim()}`)),
    );
    const chunks = fastImportChunks(repo);
    const pump = () => {
      for (;;) {
        const next = chunks.next();
        if (next.done) {
          child.stdin.end('done\n');
          return;
        }
        if (!child.stdin.write(next.value)) {
          child.stdin.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

async function ensureRepo(repo) {
  const dir = join(BENCH_DIR, repo.name);
  const marker = join(BENCH_DIR, `${repo.name}.ready`);
  const signature = generatorSignature(repo);
  if (existsSync(marker) && existsSync(join(dir, '.git')) && readFileSync(marker, 'utf8') === signature) {
    return { dir, generatedMs: null };
  }
  rmSync(marker, { force: true });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`bench: generating ${repo.name} (${repo.commits.toLocaleString('en')} commits) ... `);
  const started = process.hrtime.bigint();
  git(dir, ['init', '--quiet', '--initial-branch=main']);
  git(dir, ['config', 'gc.auto', '0']);
  git(dir, ['config', 'user.name', 'Bench']);
  git(dir, ['config', 'user.email', 'bench@example.com']);
  await fastImport(dir, repo);
  git(dir, ['reset', '--quiet', '--hard', 'refs/heads/main']);
  // The changes, plus the revert commits the generator put between them.
  const count = Number(git(dir, ['rev-list', '--count', '--invert-grep', '--grep=^Revert ', 'HEAD']).trim());
  if (count !== repo.commits)
    throw new BenchError(`${repo.name}: expected ${repo.commits} changes besides reverts, found ${count}`);
  const generatedMs = Number(process.hrtime.bigint() - started) / 1e6;
  process.stderr.write(`${(generatedMs / 1000).toFixed(1)} s\n`);
  writeFileSync(marker, signature);
  return { dir, generatedMs };
}

/** Deploys the ledger case records: one every LEDGER_EVERY commits of the repo's newest history. */
const LEDGER_DEPLOYS = 500;
const LEDGER_EVERY = 15;
/** Bump when the records' traits change shape, so the ledger is imported again. */
const LEDGER_FORMAT = 2;

/**
 * A clone of the repo with LEDGER_DEPLOYS deploys in its ledger, imported from tags (`ledger import`
 * stores each deploy's traits, as `record` does), the newest 20 commits not deployed yet. Reused while
 * its marker matches. Returns the clone and the timed import (null when reused).
 */
function ensureLedgerRepo(repo, dir) {
  const clone = join(BENCH_DIR, `${repo.name}-ledger`);
  const marker = join(BENCH_DIR, `${repo.name}-ledger.ready`);
  const signature = `${generatorSignature(repo)} ledger ${LEDGER_DEPLOYS}/${LEDGER_EVERY} v${LEDGER_FORMAT} ${git(dir, ['rev-parse', 'HEAD']).trim()}`;
  if (existsSync(marker) && readFileSync(marker, 'utf8') === signature) return { clone, imported: null };
  rmSync(marker, { force: true });
  rmSync(clone, { recursive: true, force: true });
  git(BENCH_DIR, ['clone', '--quiet', '--shared', dir, clone]);
  git(clone, ['config', 'gc.auto', '0']);
  for (let i = 0; i < LEDGER_DEPLOYS; i++) {
    const back = 20 + (LEDGER_DEPLOYS - 1 - i) * LEDGER_EVERY;
    git(clone, ['tag', `v1.${i}.0`, `HEAD~${back}`]);
  }
  process.stderr.write(`bench: importing ${LEDGER_DEPLOYS} deploys into ${repo.name}-ledger ... `);
  const imported = timedRun(process.execPath, [
    CLI,
    '--repo',
    clone,
    '--quiet',
    'ledger',
    'import',
    '--tags',
    'v1.*',
  ]);
  process.stderr.write(`${(imported.median / 1000).toFixed(1)} s\n`);
  // The ledger's records are loose objects after an import; a repository packs them in time.
  git(clone, ['repack', '-d', '-q']);
  writeFileSync(marker, signature);
  return { clone, imported };
}

// ---------------------------------------------------------------------------------------------------
// Measurement

const devNull = openSync('/dev/null', 'w');

function describe(command, args) {
  return [command, ...args].map((part) => (/\s/.test(part) ? JSON.stringify(part) : part)).join(' ');
}

/** One run with stdout captured, to check the command works; also its max RSS when /usr/bin/time exists. */
function checkRun(command, args, cwd) {
  const rssFile = join(BENCH_DIR, 'rss.txt');
  const [file, argv] = HAS_TIME ? [TIME_BIN, ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args];
  const result = spawnSync(file, argv, { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (result.error !== undefined || result.status !== 0) {
    throw new BenchError(
      `command failed (exit ${result.status ?? result.error?.message}): ${describe(command, args)}\n${(result.stderr ?? '').trim()}`,
    );
  }
  let rssKb = null;
  if (HAS_TIME) {
    rssKb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    rmSync(rssFile, { force: true });
  }
  return { stdout: result.stdout, rssKb };
}

function timeOnce(command, args, cwd) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', devNull, 'pipe'], encoding: 'utf8' });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error !== undefined || result.status !== 0) {
    throw new BenchError(
      `command failed (exit ${result.status ?? result.error?.message}): ${describe(command, args)}\n${(result.stderr ?? '').trim()}`,
    );
  }
  return elapsed;
}

/** One checked run, timed: shaped like a measureGroup result (for cases too slow to repeat). */
function timedRun(command, args) {
  const started = process.hrtime.bigint();
  const { rssKb } = checkRun(command, args, ROOT);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { median: ms, samples: [ms], rssKb, command: describe(command, args) };
}

function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Measures a group of commands: one checked run each (output validated, max RSS, and a warm-up of the
 * page cache), then RUNS rounds that run every command once in turn, so that a change in machine load
 * during the bench hits the command and its baseline alike. Returns each command's median wall time.
 */
function measureGroup(cases) {
  const results = cases.map(({ command, args, validate }) => {
    const check = checkRun(command, args, ROOT);
    validate?.(check.stdout);
    return { command: describe(command, args), samples: [], median: 0, rssKb: check.rssKb };
  });
  for (let round = 0; round < RUNS; round++) {
    cases.forEach(({ command, args }, i) => results[i].samples.push(timeOnce(command, args, ROOT)));
  }
  for (const result of results) result.median = median(result.samples);
  return results;
}

/**
 * A measured case against its floor: `baselines` are measured in the same rounds and summed (git's log
 * plus Node's start-up, say); the ratio is derived from the two.
 */
function ratioRow(name, measured, baselines, target) {
  const baseline = baselines.reduce((sum, b) => sum + b.median, 0);
  return {
    case: name,
    median: measured.median,
    baseline,
    ratio: measured.median / baseline,
    target,
    rssKb: measured.rssKb,
    samples: measured.samples,
    command: measured.command,
    baselineCommands: baselines.map((b) => b.command),
  };
}

function info(name, { median: ms, samples, rssKb, command }) {
  return { case: name, median: ms, baseline: null, ratio: null, target: null, rssKb, samples, command };
}

function validatePlan(stdout) {
  let plan;
  try {
    plan = JSON.parse(stdout);
  } catch (error) {
    throw new BenchError(`plan --format json did not print JSON: ${error.message}\n${stdout.slice(0, 500)}`);
  }
  return plan;
}

// ---------------------------------------------------------------------------------------------------

function validateBacktest(stdout) {
  const match = /: ([\d,]+) change\(s\), ([\d,]+) failed/.exec(stdout);
  if (match === null) throw new BenchError(`backtest printed no summary line:\n${stdout.slice(0, 400)}`);
  const auc = /with AUC (\S+)/.exec(stdout)?.[1];
  const baseline = /lines added alone(?: \()?(\d\.\d+)?/.exec(stdout)?.[1] ?? 'see report';
  console.error(
    `  backtest: ${match[1]} changes, ${match[2]} failed; AUC ${auc}, lines-added AUC ${baseline}`,
  );
}

function fmtMs(ms) {
  return ms === null ? '' : ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}
function fmtRss(kb) {
  return kb === null || kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`;
}

function printTable(rows) {
  const header = ['case', 'median ms', 'baseline ms', 'ratio', 'target', 'result', 'max RSS'];
  const cells = rows.map((row) => [
    row.case,
    fmtMs(row.median),
    row.baseline === null ? '' : fmtMs(row.baseline),
    row.ratio === null ? '' : `${row.ratio.toFixed(2)}x`,
    row.target === null ? '' : `<= ${row.target}x`,
    row.target === null ? '' : row.ratio <= row.target ? 'pass' : 'OVER',
    fmtRss(row.rssKb),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((cell) => cell[i].length)));
  const line = (cell) =>
    cell.map((text, i) => (i === 0 ? text.padEnd(widths[i]) : text.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const cell of cells) console.log(line(cell));
}

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'cli.cjs')))
    throw new BenchError('dist/cli.cjs is missing: run `npm run build` (or `npm run bench`).');
  mkdirSync(BENCH_DIR, { recursive: true });

  const generation = {};
  const repos = [];
  for (const repo of REPOS) {
    const { dir, generatedMs } = await ensureRepo(repo);
    generation[repo.name] = generatedMs;
    repos.push({ ...repo, dir });
  }

  const node = process.execPath;
  const nodeCase = { command: node, args: ['-e', '0'] };
  const rows = [];

  for (const repo of repos) {
    const range = `HEAD~${repo.range}`;
    const planArgs = [
      '--repo',
      repo.dir,
      '--format',
      'json',
      'plan',
      '--from',
      range,
      '--now',
      NOW,
      '--fail-on',
      'never',
    ];
    const [plan, gitLog, nodeStart, gitDiff] = measureGroup([
      { command: node, args: [CLI, ...planArgs], validate: validatePlan },
      { command: 'git', args: ['-C', repo.dir, 'log', '--numstat', '-M', '--format=%H', `${range}..HEAD`] },
      nodeCase,
      {
        command: 'git',
        args: ['-C', repo.dir, 'diff', '--numstat', '--patch', '-U0', '-z', '-M', range, 'HEAD', '--'],
      },
    ]);
    const label = `${repo.commits / 1000}k repo, ${repo.range.toLocaleString('en')} commits`;
    rows.push(ratioRow(`plan (${label})`, plan, [gitLog, nodeStart], TARGET_RATIO));
    rows.push(info(`  git log --numstat -M (${label})`, gitLog));
    rows.push(info('  node -e 0 (same rounds)', nodeStart));
    rows.push(info('  git diff -U0 of the range (info: plan runs it too)', gitDiff));

    // A deploy-sized range (what people run before every ship): the fixed cost is what they feel.
    const small = 'HEAD~20';
    const smallArgs = planArgs.map((arg) => (arg === range ? small : arg));
    const [smallPlan, smallLog, smallNode, uncached] = measureGroup([
      { command: node, args: [CLI, ...smallArgs], validate: validatePlan },
      { command: 'git', args: ['-C', repo.dir, 'log', '--numstat', '-M', '--format=%H', `${small}..HEAD`] },
      nodeCase,
      // The launcher's V8 code cache off (a first run, or NODE_DISABLE_COMPILE_CACHE=1).
      {
        command: 'env',
        args: ['NODE_DISABLE_COMPILE_CACHE=1', node, CLI, ...smallArgs],
        validate: validatePlan,
      },
    ]);
    rows.push(
      ratioRow(
        `plan (${repo.commits / 1000}k repo, 20 commits)`,
        smallPlan,
        [smallLog, smallNode],
        TARGET_RATIO,
      ),
    );
    rows.push(info(`  git log --numstat -M (20 commits)`, smallLog));
    rows.push(info('  node -e 0 (same rounds)', smallNode));
    rows.push(info('  the same plan without the code cache (same rounds)', uncached));

    // The same 20-commit plan with 500 recorded deploys (their traits in the ledger) against none.
    if (repo.commits <= 10_000) {
      const { clone, imported } = ensureLedgerRepo(repo, repo.dir);
      const ledgerArgs = smallArgs.map((arg) => (arg === repo.dir ? clone : arg));
      // Both clones read the same change profile from the same cache, so the ledger is the difference.
      const changes = join('.git', 'deployadvisor', 'changes-v1.jsonl');
      if (existsSync(join(repo.dir, changes))) copyFileSync(join(repo.dir, changes), join(clone, changes));
      // Cold: the first plan after the ledger changed (or in a fresh clone) reads every record from git.
      const recordsCache = join(clone, '.git', 'deployadvisor', 'ledger-records-v2.json');
      const coldCommand = `rm -f "$0" && exec "$@"`;
      const [withLedger, without, cold] = measureGroup([
        { command: node, args: [CLI, ...ledgerArgs], validate: validatePlan },
        { command: node, args: [CLI, ...smallArgs], validate: validatePlan },
        {
          command: 'sh',
          args: ['-c', coldCommand, recordsCache, node, CLI, ...ledgerArgs],
          validate: validatePlan,
        },
      ]);
      rows.push(
        ratioRow(`plan with ${LEDGER_DEPLOYS} recorded deploys (20 commits)`, withLedger, [without], 1.2),
      );
      rows.push(info('  the same plan without a ledger (same rounds)', without));
      rows.push(info('  with the ledger, its records cache cold (same rounds)', cold));
      if (imported !== null)
        rows.push(info(`  ledger import of ${LEDGER_DEPLOYS} tag deploys (once, with traits)`, imported));
    }

    // backtest: every commit of the history, in one streaming pass, against git producing the same log.
    const [backtest, fullLog] = measureGroup([
      {
        command: node,
        args: [CLI, '--repo', repo.dir, '--format', 'text', 'backtest', 'HEAD'],
        validate: validateBacktest,
      },
      { command: 'git', args: ['-C', repo.dir, 'log', '--numstat', '-M', '--format=%H%n%B', 'HEAD'] },
    ]);
    rows.push(ratioRow(`backtest (${repo.commits / 1000}k repo, all history)`, backtest, [fullLog], null));
    rows.push(info(`  git log --numstat -M over all ${repo.commits / 1000}k commits`, fullLog));
  }

  // A real history (BENCH_REPO=/path/to/clone): backtest with hotfix labels cold (blame cache emptied,
  // one run) and warm (median), against git log --numstat over the same history.
  const real = process.env.BENCH_REPO;
  if (real !== undefined && real !== '') {
    const gitDir = git(real, ['rev-parse', '--git-common-dir']).trim();
    const cache = resolve(real, gitDir, 'deployadvisor');
    rmSync(cache, { recursive: true, force: true });
    const backtestArgs = [CLI, '--repo', real, '--format', 'text', 'backtest', 'HEAD'];
    const cold = timedRun(node, backtestArgs);
    const [warm, realLog] = measureGroup([
      { command: node, args: backtestArgs, validate: validateBacktest },
      { command: 'git', args: ['-C', real, 'log', '--numstat', '-M', '--format=%H%n%B', 'HEAD'] },
    ]);
    rows.push(ratioRow(`backtest, hotfix labels, cold (${real})`, cold, [realLog], null));
    rows.push(ratioRow(`backtest, hotfix labels, blame cache warm`, warm, [realLog], 2));
    rows.push(info(`  git log --numstat -M over ${real}`, realLog));

    // lineage over its default range (the whole history where no deploy is known): target 20 s.
    const lineageArgs = [CLI, '--repo', real, '--format', 'json', 'lineage'];
    rows.push(
      ratioRow(`lineage, default range (${real}), target 20 s`, timedRun(node, lineageArgs), [realLog], null),
    );
  }

  const [version, nodeStart] = measureGroup([{ command: node, args: [CLI, '--version'] }, nodeCase]);
  rows.push(ratioRow('deployadvisor --version', version, [nodeStart], TARGET_RATIO));
  rows.push(info('  node -e 0 (same rounds)', nodeStart));

  console.log(
    `deployadvisor bench: median of ${RUNS} interleaved runs after one checked warm-up run; baseline = git log --numstat + node -e 0`,
  );
  console.log(
    `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os.loadavg()[0].toFixed(1)}, Node ${process.version} (on a shared machine the medians move; the ratios, measured in the same rounds, are the figures to read)`,
  );
  console.log('');
  printTable(rows);
  console.log('');
  for (const repo of repos) {
    const ms = generation[repo.name];
    console.log(
      `${repo.name}: ${ms === null ? 'reused' : `generated in ${(ms / 1000).toFixed(1)} s`} (${repo.dir})`,
    );
  }
  if (!HAS_TIME)
    console.log('max RSS: n/a (/usr/bin/time not found; install it with `apt-get install time`)');

  const results = {
    date: new Date().toISOString(),
    node: process.version,
    git: git(ROOT, ['--version']).trim(),
    platform: `${process.platform} ${process.arch}`,
    runs: RUNS,
    generationMs: generation,
    rows: rows.map(({ case: name, ...rest }) => ({
      case: name.trim(),
      ...rest,
      pass: rest.target === null ? null : rest.ratio <= rest.target,
    })),
  };
  writeFileSync(join(BENCH_DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results: ${join(BENCH_DIR, 'results.json')}`);
}

main()
  .catch((error) => {
    console.error(`bench: ${error instanceof BenchError ? error.message : error.stack}`);
    process.exitCode = 1;
  })
  .finally(() => closeSync(devNull));
