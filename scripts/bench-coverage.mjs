// Coverage benchmark: a generated 200 MB LCOV and a 100 MB Cobertura report against a generated repo.
// Prints parse throughput (MB/s), peak memory, and patch-coverage time against diff-cover on the same
// repository, range and report. Reports, it does not gate: exit 0 unless a command fails.
import { spawnSync, execFileSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { once } from 'node:events';

const ROOT = resolve(import.meta.dirname, '..');
const BENCH = join(ROOT, '.bench', 'coverage');
const REPO = join(BENCH, 'repo');
const BIN = join(ROOT, 'bin', 'deployadvisor.js');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const TRACKED = 500;
const LINES = 400;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function git(...args) {
  return execFileSync('git', args, {
    cwd: REPO,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'b',
      GIT_AUTHOR_EMAIL: 'b@example.com',
      GIT_COMMITTER_NAME: 'b',
      GIT_COMMITTER_EMAIL: 'b@example.com',
      GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
      GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
    },
  });
}

function makeRepo() {
  if (existsSync(join(REPO, '.git'))) return;
  mkdirSync(join(REPO, 'src'), { recursive: true });
  git('init', '-q', '-b', 'main');
  git('config', 'gc.auto', '0');
  for (let f = 0; f < TRACKED; f++) {
    writeFileSync(
      join(REPO, 'src', `m${f}.ts`),
      Array.from({ length: LINES - 40 }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n',
    );
  }
  git('add', '-A');
  git('commit', '-qm', 'base');
  git('branch', 'base');
  // Every tracked file grows by 40 lines, and 10 lines in the middle change.
  for (let f = 0; f < TRACKED; f++) {
    const lines = Array.from({ length: LINES }, (_, i) =>
      i >= 100 && i < 110 ? `export const w${i} = ${i * 2};` : `export const v${i} = ${i};`,
    );
    writeFileSync(join(REPO, 'src', `m${f}.ts`), lines.join('\n') + '\n');
  }
  git('commit', '-qam', 'change');
}

async function writeBig(path, targetBytes, header, fileRecord, footer) {
  if (existsSync(path) && statSync(path).size >= targetBytes) return;
  const out = createWriteStream(path);
  let written = 0;
  const put = async (text) => {
    written += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await put(header);
  for (let f = 0; written < targetBytes; f++) await put(fileRecord(f));
  await put(footer);
  out.end();
  await once(out, 'finish');
}

/** Hit pattern: a third of the lines never ran. */
const hits = (file, line) => ((file + line) % 3 === 0 ? 0 : (line % 7) + 1);

function lcovRecord(f) {
  // The first TRACKED records are the repository's files (absolute paths, as CI writes them); the rest
  // are generated files that match nothing and must be skipped cheaply.
  const path = f < TRACKED ? join(REPO, 'src', `m${f}.ts`) : `/build/gen/pkg${f % 97}/g${f}.ts`;
  let text = `TN:\nSF:${path}\nFN:1,f${f}\nFNDA:1,f${f}\n`;
  for (let line = 1; line <= 1000; line++) text += `DA:${line},${hits(f, line)}\n`;
  return `${text}LF:1000\nLH:667\nend_of_record\n`;
}

function coberturaRecord(f) {
  const path = f < TRACKED ? `src/m${f}.ts` : `gen/pkg${f % 97}/g${f}.ts`;
  let text = `<class name="c${f}" filename="${path}" line-rate="0.66"><methods/><lines>`;
  for (let line = 1; line <= 1000; line++) text += `<line number="${line}" hits="${hits(f, line)}"/>`;
  return `${text}</lines></class>\n`;
}

function timed(command, args, cwd) {
  const rssFile = join(BENCH, 'rss.txt');
  const [file, argv] = TIME ? [TIME, ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args];
  const start = process.hrtime.bigint();
  const result = spawnSync(file, argv, { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0 && result.status !== 3 && result.status !== 4) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr.slice(0, 500)}`);
  }
  const rssKb = TIME ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : null;
  return { ms, rssKb, stdout: result.stdout };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function measure(command, args, cwd, runs = RUNS) {
  const samples = Array.from({ length: runs }, () => timed(command, args, cwd));
  return {
    ms: median(samples.map((s) => s.ms)),
    rssKb: Math.max(...samples.map((s) => s.rssKb ?? 0)) || null,
    stdout: samples[0].stdout,
  };
}

const hasDiffCover = spawnSync('diff-cover', ['--version']).status === 0;
mkdirSync(BENCH, { recursive: true });
const t0 = Date.now();
makeRepo();
const lcov = join(BENCH, 'big.info');
const cobertura = join(BENCH, 'big-cobertura.xml');
await writeBig(lcov, 200 * 1024 * 1024, '', lcovRecord, '');
await writeBig(
  cobertura,
  100 * 1024 * 1024,
  `<?xml version="1.0"?>\n<coverage line-rate="0.66" version="1"><sources><source>${REPO}</source></sources><packages><package name="all"><classes>\n`,
  coberturaRecord,
  '</classes></package></packages></coverage>\n',
);
console.log(`generated repo and reports in ${((Date.now() - t0) / 1000).toFixed(1)} s (reused when present)`);

const rows = [];
for (const [name, report] of [
  ['LCOV 200 MB', lcov],
  ['Cobertura 100 MB', cobertura],
]) {
  const mb = statSync(report).size / (1024 * 1024);
  const ours = measure(process.execPath, [
    BIN,
    '--repo',
    REPO,
    '--format',
    'json',
    'plan',
    '--from',
    'base',
    '--coverage',
    report,
    '--now',
    '2026-11-23T10:00:00Z',
    '--fail-on',
    'never',
  ]);
  const plan = JSON.parse(ours.stdout);
  const row = {
    case: name,
    sizeMB: Math.round(mb),
    oursMs: Math.round(ours.ms),
    throughputMBs: Math.round(mb / (ours.ms / 1000)),
    oursRssMB: ours.rssKb === null ? null : Math.round(ours.rssKb / 1024),
    patch: plan.coverage.patch,
    diffCoverMs: null,
    diffCoverRssMB: null,
    speedup: null,
    agree: null,
  };
  if (hasDiffCover) {
    const out = join(BENCH, 'diff-cover.json');
    const theirs = measure(
      'diff-cover',
      [report, '--compare-branch=base', `--json-report=${out}`, '-q'],
      REPO,
      1,
    );
    const json = JSON.parse(readFileSync(out, 'utf8'));
    row.diffCoverMs = Math.round(theirs.ms);
    row.diffCoverRssMB = theirs.rssKb === null ? null : Math.round(theirs.rssKb / 1024);
    row.speedup = Number((theirs.ms / ours.ms).toFixed(1));
    row.agree =
      json.total_num_lines === plan.coverage.patch?.measured &&
      json.total_num_lines - json.total_num_violations === plan.coverage.patch?.covered;
    rmSync(out, { force: true });
  }
  rows.push(row);
}

console.log('');
console.log(
  '| report | size | deployadvisor plan | throughput | peak RSS | diff-cover | diff-cover RSS | speed-up | same counts |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
for (const r of rows) {
  console.log(
    `| ${r.case} | ${r.sizeMB} MB | ${r.oursMs} ms | ${r.throughputMBs} MB/s | ${r.oursRssMB ?? 'n/a'} MB | ${r.diffCoverMs ?? 'n/a'} ms | ${r.diffCoverRssMB ?? 'n/a'} MB | ${r.speedup ?? 'n/a'}x | ${r.agree ?? 'n/a'} |`,
  );
}
console.log(
  `\ntargets: at least 5x faster than diff-cover, peak RSS under 300 MB. runs: median of ${RUNS} (diff-cover: 1).`,
);
writeFileSync(
  join(BENCH, 'results.json'),
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`,
);
