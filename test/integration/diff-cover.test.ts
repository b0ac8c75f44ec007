import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runPlanJson } from '../helpers/run.js';

/**
 * Agreement with Debian's diff-cover, the most used tool for patch coverage: the same repository, range
 * and report must give the same measured and covered line counts per file. CI installs diff-cover.
 */
const hasDiffCover = spawnSync('diff-cover', ['--version']).status === 0;
if (!hasDiffCover && process.env.CI === 'true')
  throw new Error('diff-cover is not installed (apt-get install diff-cover); .ci/run installs it');

const FILES = {
  python: 'src/app/calc.py',
  java: 'src/main/java/com/acme/Pay.java',
  js: 'src/lib/util.js',
  php: 'src/php/Service.php',
};

/** Deterministic hit pattern: some changed lines covered, some not, some unmeasured (blank, comments). */
function hitsFor(line: number): number | null {
  if (line % 7 === 0) return null;
  return line % 3 === 0 ? 0 : line % 5;
}

function lines(upTo: number): number[] {
  return Array.from({ length: upTo }, (_, i) => i + 1).filter((n) => hitsFor(n) !== null);
}

function lcov(repo: string): string {
  return `TN:\nSF:${join(repo, FILES.js)}\n${lines(60)
    .map((n) => `DA:${n},${hitsFor(n) ?? 0}`)
    .join('\n')}\nend_of_record\n`;
}

function cobertura(repo: string): string {
  const body = lines(60)
    .map((n) => `<line number="${n}" hits="${hitsFor(n) ?? 0}"/>`)
    .join('');
  return `<?xml version="1.0"?><coverage line-rate="0.5" version="1"><sources><source>${repo}</source></sources><packages><package name="app"><classes><class name="calc" filename="${FILES.python}"><methods/><lines>${body}</lines></class></classes></package></packages></coverage>`;
}

function jacoco(): string {
  const body = lines(60)
    .map((n) => `<line nr="${n}" mi="${hitsFor(n) === 0 ? 2 : 0}" ci="${hitsFor(n) ?? 0}" mb="0" cb="0"/>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd"><report name="app"><package name="com/acme"><sourcefile name="Pay.java">${body}</sourcefile></package></report>`;
}

function clover(repo: string): string {
  const body = lines(60)
    .map((n) => `<line num="${n}" type="${n % 4 === 0 ? 'cond' : 'stmt'}" count="${hitsFor(n) ?? 0}"/>`)
    .join('');
  return `<?xml version="1.0"?><coverage generated="1" clover="4.4.1"><project timestamp="1"><package name="app"><file name="Service.php" path="${join(repo, FILES.php)}"><line num="1" type="method" count="0"/>${body}</file></package></project></coverage>`;
}

interface DiffCoverJson {
  src_stats: Record<string, { percent_covered: number; violation_lines: number[] }>;
  total_num_lines: number;
  total_num_violations: number;
}

describe.runIf(hasDiffCover)('patch coverage agrees with diff-cover', () => {
  let repo: TestRepo;
  let reports: string;
  beforeAll(() => {
    repo = makeRepo();
    reports = mkdtempSync(join(tmpdir(), 'da-reports-'));
    for (const path of Object.values(FILES)) repo.writeLines(path, 30, 'base');
    repo.commit('base');
    repo.git('branch', 'base');
    for (const path of Object.values(FILES)) {
      // change some lines in the middle, append new ones: added ranges 5-9, 20 and 31-60
      const text = Array.from({ length: 60 }, (_, i) => {
        const n = i + 1;
        return n > 30 || (n >= 5 && n <= 9) || n === 20 ? `new ${n}` : `base ${n}`;
      }).join('\n');
      repo.write(path, `${text}\n`);
    }
    repo.commit('change');
    writeFileSync(join(reports, 'lcov.info'), lcov(repo.dir));
    writeFileSync(join(reports, 'coverage.xml'), cobertura(repo.dir));
    writeFileSync(join(reports, 'jacoco.xml'), jacoco());
    writeFileSync(join(reports, 'clover.xml'), clover(repo.dir));
  });
  afterAll(() => {
    repo.cleanup();
    rmSync(reports, { recursive: true, force: true });
  });

  it.each([
    ['LCOV', 'lcov.info', FILES.js],
    ['Cobertura', 'coverage.xml', FILES.python],
    ['JaCoCo', 'jacoco.xml', FILES.java],
    ['Clover', 'clover.xml', FILES.php],
  ])('%s', async (_format, report, path) => {
    const reportPath = join(reports, report);
    const out = join(reports, `${report}.diff-cover.json`);
    execFileSync('diff-cover', [reportPath, '--compare-branch=base', `--json-report=${out}`, '-q'], {
      cwd: repo.dir,
      stdio: 'pipe',
    });
    const theirs = JSON.parse(readFileSync(out, 'utf8')) as DiffCoverJson;
    const { plan } = await runPlanJson(repo.dir, ['--from', 'base', '--coverage', reportPath]);
    expect(plan.coverage.reports[0]).toMatchObject({ status: 'ok' });
    const ours = plan.coverage.files.find((file) => file.path === path);
    const stats = theirs.src_stats[path];
    expect(stats).toBeDefined();
    expect(ours).toBeDefined();
    // diff-cover 7.4's JSON gives per-file violations and a percentage; each report here names one file,
    // so its totals are that file's measured and uncovered counts.
    const measured = theirs.total_num_lines;
    expect(Object.keys(theirs.src_stats)).toEqual([path]);
    expect({ measured: ours?.measured, covered: ours?.covered }).toEqual({
      measured,
      covered: measured - theirs.total_num_violations,
    });
    expect(ours?.ratio ?? 0).toBeCloseTo((stats?.percent_covered ?? 0) / 100, 10);
    expect(measured).toBeGreaterThan(10);
    // and the same uncovered line numbers
    const uncovered = (ours?.uncovered ?? []).flatMap(([a, b]) =>
      Array.from({ length: b - a + 1 }, (_, i) => a + i),
    );
    expect(uncovered).toEqual([...(stats?.violation_lines ?? [])].sort((a, b) => a - b));
  });
});
