// Coverage benchmark: a generated 200 MB LCOV and a 100 MB Cobertura report against a generated repo.
// Prints parse throughput (MB/s), peak memory, and patch-coverage time against diff-cover on the same
// repository, range and report, and checks that plan's patch counts equal diff-cover's and the generator's.
// Reports, it does not gate: exit 0 unless a command fails. BENCH_RUNS=<n> (default 3) timed runs per
// case; BENCH_ONLY=<text> only the cases whose name contains it; BENCH_CLI=<path> another build's bin.
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
import os from 'node:os';

const ROOT = resolve(import.meta.dirname, '..');
const BENCH = join(ROOT, '.bench', 'coverage');
const REPO = join(BENCH, 'repo');
const BIN = resolve(process.env.BENCH_CLI ?? join(ROOT, 'bin', 'deployadvisor.js'));
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const TRACKED = 500;
const LINES = 400;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** Lines each generated report measures for a file outside the repository (those are only skipped). */
const OUTSIDE_LINES = 1000;
/** Bump when the generated repo or reports change: older ones under .bench/coverage are regenerated. */
const GENERATOR_VERSION = 2;
/** The lines the change adds or rewrites in every tracked file (1-based): 101-110 and 361-400. */
const CHANGED = (line) => (line >= 101 && line <= 110) || line > LINES - 40;

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
  const marker = join(BENCH, 'generator-version');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === String(GENERATOR_VERSION)) return;
  // Another generator's repo or reports (older ones measured line 1,000 of 400-line files): start over.
  rmSync(BENCH, { recursive: true, force: true });
  mkdirSync(BENCH, { recursive: true });
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
  writeFileSync(marker, `${GENERATOR_VERSION}\n`);
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

/**
 * How many lines a report measures in record f: a tracked file's own length (a report made for the
 * target commit never measures past the end of a file, or plan calls it stale), 1,000 for the rest.
 */
const measuredLines = (f) => (f < TRACKED ? LINES : OUTSIDE_LINES);

function lcovRecord(f) {
  // The first TRACKED records are the repository's files (absolute paths, as CI writes them); the rest
  // are generated files that match nothing and must be skipped cheaply.
  const path = f < TRACKED ? join(REPO, 'src', `m${f}.ts`) : `/build/gen/pkg${f % 97}/g${f}.ts`;
  const count = measuredLines(f);
  let text = `TN:\nSF:${path}\nFN:1,f${f}\nFNDA:1,f${f}\n`;
  let hit = 0;
  for (let line = 1; line <= count; line++) {
    text += `DA:${line},${hits(f, line)}\n`;
    if (hits(f, line) > 0) hit += 1;
  }
  return `${text}LF:${count}\nLH:${hit}\nend_of_record\n`;
}

function coberturaRecord(f) {
  const path = f < TRACKED ? `src/m${f}.ts` : `gen/pkg${f % 97}/g${f}.ts`;
  let text = `<class name="c${f}" filename="${path}" line-rate="0.66"><methods/><lines>`;
  for (let line = 1; line <= measuredLines(f); line++)
    text += `<line number="${line}" hits="${hits(f, line)}"/>`;
  return `${text}</lines></class>\n`;
}

/**
 * Patch counts as the generator made them: measured and covered changed lines in total, and per file the
 * sorted changed lines a report measures but no test ran.
 */
function expectedCounts() {
  const total = { measured: 0, covered: 0 };
  const uncovered = new Map();
  for (let f = 0; f < TRACKED; f++) {
    const lines = [];
    for (let line = 1; line <= LINES; line++) {
      if (!CHANGED(line)) continue;
      total.measured += 1;
      if (hits(f, line) > 0) total.covered += 1;
      else lines.push(line);
    }
    uncovered.set(`src/m${f}.ts`, lines);
  }
  return { total, uncovered };
}

/** diff-cover's JSON report as the same counts (it gives per-file violation lines, not per-file totals). */
function diffCoverCounts(json) {
  const uncovered = new Map(
    Object.entries(json.src_stats).map(([path, stats]) => [
      path,
      [...stats.violation_lines].sort((a, b) => a - b),
    ]),
  );
  const total = {
    measured: json.total_num_lines,
    covered: json.total_num_lines - json.total_num_violations,
  };
  return { total, uncovered };
}

/** plan's JSON as the same counts; its uncovered ranges are expanded to lines. */
function planCounts(plan) {
  const uncovered = new Map(
    plan.coverage.files.map((file) => [
      file.path,
      file.uncovered.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => from + i)),
    ]),
  );
  return { total: plan.coverage.patch, uncovered };
}

/**
 * Whether plan's patch counts equal another's: measured and covered lines in total, and file by file the
 * very lines left untested. Returns "yes (...)" or "no: <the first difference>", so the column can fail
 * and says why when it does.
 */
function sameCounts(plan, theirs, who) {
  if (plan.coverage.patch === null || plan.coverage.patch === undefined) {
    const said = plan.coverage.reports.map((r) => `${r.status}${r.message ? `: ${r.message}` : ''}`);
    return `no: plan has no patch figure (${said.join('; ').slice(0, 200)})`;
  }
  const ours = planCounts(plan);
  const { measured, covered } = ours.total;
  if (measured !== theirs.total.measured || covered !== theirs.total.covered)
    return `no: plan ${covered}/${measured} lines covered, ${who} ${theirs.total.covered}/${theirs.total.measured}`;
  const untested = (counts) => [...counts.uncovered].filter(([, lines]) => lines.length > 0).map(([p]) => p);
  const paths = [...new Set([...untested(ours), ...untested(theirs)])].sort();
  for (const path of paths) {
    const a = (ours.uncovered.get(path) ?? []).join(',');
    const b = (theirs.uncovered.get(path) ?? []).join(',');
    if (a !== b) return `no: ${path} untested lines: plan [${a}], ${who} [${b}]`;
  }
  return `yes (${covered}/${measured} lines, untested lines equal in ${paths.length} files)`;
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
// The same reports with no line breaks at all, and 1 GB of garbage: each reader must stay linear in
// the input whatever the line length, and end garbage with a clear error in bounded memory.
const istanbulRecord = (f) => {
  const path = f < TRACKED ? join(REPO, 'src', `m${f}.ts`) : `/build/gen/pkg${f % 97}/g${f}.ts`;
  const ids = Array.from({ length: 400 }, (_, i) => i);
  const statementMap = Object.fromEntries(
    ids.map((i) => [i, { start: { line: i + 1, column: 0 }, end: { line: i + 1, column: 20 } }]),
  );
  return { path, statementMap, s: Object.fromEntries(ids.map((i) => [i, hits(f, i + 1)])) };
};
const istanbulPretty = join(BENCH, 'big-istanbul-pretty.json');
const istanbulOneLine = join(BENCH, 'big-istanbul-one-line.json');
const coberturaOneLine = join(BENCH, 'big-cobertura-one-line.xml');
const garbage = join(BENCH, 'garbage-1gb.info');
await writeBig(
  istanbulPretty,
  128 * 1024 * 1024,
  '{\n',
  (f) =>
    `${f === 0 ? '' : ',\n'}${JSON.stringify(istanbulRecord(f).path)}: ${JSON.stringify(istanbulRecord(f), null, 1)}`,
  '\n}\n',
);
await writeBig(
  istanbulOneLine,
  128 * 1024 * 1024,
  '{',
  (f) =>
    `${f === 0 ? '' : ','}${JSON.stringify(istanbulRecord(f).path)}:${JSON.stringify(istanbulRecord(f))}`,
  '}',
);
await writeBig(
  coberturaOneLine,
  100 * 1024 * 1024,
  `<?xml version="1.0"?><coverage line-rate="0.66" version="1"><sources><source>${REPO}</source></sources><packages><package name="all"><classes>`,
  (f) => coberturaRecord(f).replace('\n', ''),
  '</classes></package></packages></coverage>',
);
let noise = 0x2545f491;
const garbageBlock = Buffer.alloc(1 << 20, 0).map(() => {
  noise ^= noise << 13;
  noise ^= noise >>> 17;
  noise ^= noise << 5;
  const byte = (noise >>> 0) % 250;
  return byte === 0x0a ? 0x20 : byte;
});
await writeBig(garbage, 1024 * 1024 * 1024, '', () => garbageBlock.toString('latin1'), '');
// A Cobertura report whose wanted class never ends: it must stop reading, not hold the gigabyte.
const coberturaUnclosed = join(BENCH, 'cobertura-unclosed-1gb.xml');
const lineBlock = '<line number="1" hits="1"/>'.repeat(40_000);
await writeBig(
  coberturaUnclosed,
  1024 * 1024 * 1024,
  `<?xml version="1.0"?><coverage><packages><package name="all"><classes><class filename="src/m0.ts"><lines>`,
  () => lineBlock,
  '',
);
console.log(`generated repo and reports in ${((Date.now() - t0) / 1000).toFixed(1)} s (reused when present)`);

const GARBAGE = '1 GB of garbage named .info';
const UNCLOSED = 'Cobertura, 1 GB <class> never closed';
/** The reports diff-cover reads too (it reads no Istanbul JSON). */
const DIFF_COVER_CASES = new Set(['LCOV 200 MB', 'Cobertura 100 MB', 'Cobertura 100 MB on one line']);
const rows = [];
const only = process.env.BENCH_ONLY;
for (const [name, report] of [
  ['LCOV 200 MB', lcov],
  ['Cobertura 100 MB', cobertura],
  ['Cobertura 100 MB on one line', coberturaOneLine],
  ['Istanbul 128 MB pretty-printed', istanbulPretty],
  ['Istanbul 128 MB on one line', istanbulOneLine],
  [GARBAGE, garbage],
  [UNCLOSED, coberturaUnclosed],
].filter(([name]) => only === undefined || name.includes(only))) {
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
    expected: null,
  };
  row.unreadable = plan.coverage.reports.filter((r) => r.status === 'unreadable').map((r) => r.message);
  if (name !== GARBAGE && name !== UNCLOSED)
    row.expected = sameCounts(plan, expectedCounts(), 'the generator');
  if (hasDiffCover && DIFF_COVER_CASES.has(name)) {
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
    row.agree = sameCounts(plan, diffCoverCounts(json), 'diff-cover');
    rmSync(out, { force: true });
  }
  rows.push(row);
}

console.log('');
console.log(
  '| report | size | deployadvisor plan | throughput | peak RSS | diff-cover | diff-cover RSS | speed-up | same counts as diff-cover | counts as generated |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.case} | ${r.sizeMB} MB | ${r.oursMs} ms | ${r.throughputMBs} MB/s | ${r.oursRssMB ?? 'n/a'} MB | ${r.diffCoverMs ?? 'n/a'} ms | ${r.diffCoverRssMB ?? 'n/a'} MB | ${r.speedup ?? 'n/a'}x | ${r.agree ?? 'n/a'} | ${r.expected ?? 'n/a'} |`,
  );
}
const byName = Object.fromEntries(rows.map((r) => [r.case, r]));
const lineRatio = (single, normal) => {
  if (byName[single] && byName[normal])
    console.log(
      `${single}: ${(byName[single].oursMs / byName[normal].oursMs).toFixed(2)}x the time of ${normal} (target <= 2x)`,
    );
};
console.log('');
lineRatio('Cobertura 100 MB on one line', 'Cobertura 100 MB');
lineRatio('Istanbul 128 MB on one line', 'Istanbul 128 MB pretty-printed');
for (const name of [GARBAGE, UNCLOSED]) {
  const junk = byName[name];
  if (junk)
    console.log(
      `${name}: ${junk.oursMs} ms, peak RSS ${junk.oursRssMB ?? 'n/a'} MB (target <= 300 MB); said: ${junk.unreadable.join('; ') || 'nothing (a defect)'}`,
    );
}
console.log(
  `\ntargets: at least 5x faster than diff-cover, peak RSS under 300 MB. runs: median of ${RUNS} (diff-cover: 1). machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os.loadavg()[0].toFixed(1)} at the end (shared machines inflate every figure; compare the ratios).`,
);
writeFileSync(
  join(BENCH, 'results.json'),
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`,
);
