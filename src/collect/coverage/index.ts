import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { glob } from 'tinyglobby';
import type { CoverageFacts, CoverageReport } from '../../assess/facts.js';
import { UserError } from '../../errors.js';
import { readBlobs } from '../git-facts.js';
import { notARegularFile } from '../file-kind.js';
import type { GitRunner } from '../git-runner.js';
import { PathMapper, type PathMapRule } from './path-map.js';
import { readHead, sniffFormat } from './sniff.js';
import { CoverageReadError, type CoverageFormat, type CoverageSink } from './types.js';

/** Where reports usually land, tried when neither --coverage nor coverage.reports names any. */
export const DEFAULT_COVERAGE_PATHS = [
  'coverage/lcov.info',
  'lcov.info',
  'coverage/cobertura-coverage.xml',
  'coverage.xml',
  'coverage/coverage-final.json',
  'coverage.out',
  'cover.out',
  'target/site/jacoco/jacoco.xml',
  'build/reports/jacoco/test/jacocoTestReport.xml',
  'coverage/.resultset.json',
  'clover.xml',
  'coverage/clover.xml',
];

export interface CoverageRequest {
  git: GitRunner;
  repoRoot: string;
  cwd: string;
  targetSha: string;
  /** --coverage files (relative to cwd). */
  explicit: readonly string[];
  /** coverage.reports globs (relative to the repo root). */
  globs: readonly string[];
  pathMap: readonly PathMapRule[];
  /** Repo paths whose lines are wanted (changed files with added lines). */
  wanted: ReadonlySet<string>;
}

async function trackedFiles(git: GitRunner, sha: string) {
  const files = new Set<string>();
  const symlinks = new Set<string>();
  /** Blob id of each file, to count its lines at the target. */
  const blobs = new Map<string, string>();
  for await (const entry of git.stream(
    ['ls-tree', '-r', '-z', '--full-tree', '--end-of-options', sha],
    '\0',
  )) {
    const tab = entry.indexOf('\t');
    if (tab === -1) continue;
    const mode = entry.slice(0, 6);
    const path = entry.slice(tab + 1);
    if (mode === '120000') symlinks.add(path);
    else if (mode.startsWith('100')) {
      files.add(path);
      blobs.set(path, entry.slice(0, tab).split(' ')[2] ?? '');
    }
  }
  return { files, symlinks, blobs };
}

/** Line counts at the target of the files asked for (null for a blob too large to read). */
async function lineCountsOf(
  git: GitRunner,
  blobs: ReadonlyMap<string, string>,
  paths: Iterable<string>,
  cache: Map<string, number | null>,
): Promise<void> {
  const wanted = [...paths].filter((path) => !cache.has(path) && blobs.has(path));
  const texts = await readBlobs(git, [...new Set(wanted.map((path) => blobs.get(path) ?? ''))]);
  for (const path of wanted) {
    const text = texts.get(blobs.get(path) ?? '') ?? null;
    if (text === null) {
      cache.set(path, null);
      continue;
    }
    let lines = 0;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines += 1;
    cache.set(path, text.length > 0 && !text.endsWith('\n') ? lines + 1 : lines);
  }
}

/**
 * A report made for another commit: one that measures a line past the end of a changed file at the
 * target (it measured another version of it), or an XML report whose own timestamp (Cobertura
 * `timestamp`, JaCoCo `sessioninfo dump`, Clover `generated`) is older than the target commit, which it
 * cannot have tested. Returns why, or null.
 */
function staleReason(
  staged: ReadonlyMap<string, ReadonlyMap<number, number>>,
  lineCounts: ReadonlyMap<string, number | null>,
  generatedAt: number | null,
  target: { sha: string; committedAt: number },
): string | null {
  for (const [path, lines] of [...staged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const count = lineCounts.get(path);
    if (count === undefined || count === null) continue;
    let last = 0;
    for (const line of lines.keys()) if (line > last) last = line;
    if (last > count)
      return `it measures ${path} line ${last}, but that file has ${count} line(s) at the target ${target.sha.slice(0, 12)}: it was made from another version of the code`;
  }
  if (generatedAt !== null && generatedAt + CLOCK_SKEW_MS < target.committedAt) {
    return `it was generated at ${new Date(generatedAt).toISOString()}, before the target ${target.sha.slice(0, 12)} was committed (${new Date(target.committedAt).toISOString()}), so it did not test it`;
  }
  return null;
}

/** Clocks of CI runners and laptops disagree a little; a report this much "older" is still trusted. */
const CLOCK_SKEW_MS = 10 * 60 * 1000;

/** The generation time an XML report states in its first bytes, in epoch ms (seconds are scaled). */
export function reportTimestamp(head: string, format: CoverageFormat): number | null {
  const pattern =
    format === 'cobertura'
      ? /<coverage\b[^>]*\stimestamp="(\d+)"/
      : format === 'jacoco'
        ? /<sessioninfo\b[^>]*\sdump="(\d+)"/
        : format === 'clover'
          ? /<coverage\b[^>]*\sgenerated="(\d+)"/
          : null;
  const digits = pattern === null ? undefined : pattern.exec(head)?.[1];
  if (digits === undefined) return null;
  const value = Number(digits);
  // Cobertura from coverage.py and others writes milliseconds; a 10-digit value is seconds.
  const ms = value < 1e11 ? value * 1000 : value;
  // Placeholders such as generated="1" say nothing about when the report was made.
  return ms >= Date.UTC(2000, 0, 1) ? ms : null;
}

async function commitTime(git: GitRunner, sha: string): Promise<number> {
  const { stdout } = await git.run(['show', '-s', '--format=%ct', '--end-of-options', sha]);
  return Number(stdout.trim()) * 1000;
}

async function goModule(git: GitRunner, sha: string): Promise<string | null> {
  const { stdout, exitCode } = await git.run(['cat-file', '-p', `${sha}:go.mod`], { okExitCodes: [0, 128] });
  if (exitCode !== 0) return null;
  return /^module\s+(\S+)/m.exec(stdout)?.[1] ?? null;
}

async function findReports(
  request: CoverageRequest,
): Promise<{ source: CoverageFacts['source']; files: string[] }> {
  if (request.explicit.length > 0) {
    const files = request.explicit.map((file) => resolve(request.cwd, file));
    for (const [i, file] of files.entries()) {
      const info = await stat(file).catch(() => null);
      const kind = info === null ? null : notARegularFile(info);
      if (info === null || kind !== null) {
        throw new UserError(
          `--coverage ${request.explicit[i] ?? file}: ${info === null ? 'no such report file' : `expected a report file, found ${kind}`} (${file}).`,
          kind === 'a directory'
            ? {
                hint: 'Name the report inside it, for example coverage/lcov.info, or set coverage.reports globs.',
              }
            : {},
        );
      }
    }
    return { source: 'option', files };
  }
  if (request.globs.length > 0) {
    const files = await glob([...request.globs], {
      cwd: request.repoRoot,
      absolute: true,
      dot: true,
      onlyFiles: true,
    });
    return { source: 'policy', files: files.sort() };
  }
  const found: string[] = [];
  for (const candidate of DEFAULT_COVERAGE_PATHS) {
    const file = resolve(request.repoRoot, candidate);
    try {
      if ((await stat(file)).isFile()) found.push(file);
    } catch {
      // not there: try the next well-known place
    }
  }
  return { source: found.length > 0 ? 'default' : 'none', files: found };
}

type Reader = (input: Readable, sink: CoverageSink, shown: string) => Promise<void>;

/** The reader for each format, loaded only when a report of that format turns up (keeps start-up fast). */
const READERS = {
  lcov: async (input, sink) => (await import('./lcov.js')).readLcov(input, sink),
  go: async (input, sink) => (await import('./go.js')).readGoProfile(input, sink),
  istanbul: async (input, sink, shown) => (await import('./json.js')).readIstanbul(input, sink, shown),
  simplecov: async (input, sink, shown) => (await import('./json.js')).readSimplecov(input, sink, shown),
  cobertura: async (input, sink, shown) =>
    (await import('./cobertura-scan.js')).readCoberturaScan(input, sink, shown),
  jacoco: async (input, sink, shown) => (await import('./xml.js')).readXml(input, sink, 'jacoco', shown),
  clover: async (input, sink, shown) => (await import('./xml.js')).readXml(input, sink, 'clover', shown),
} satisfies Record<CoverageFormat, Reader>;

async function readReport(
  file: string,
  format: CoverageFormat,
  sink: CoverageSink,
  shown: string,
): Promise<void> {
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  try {
    await READERS[format](input, sink, shown);
  } finally {
    input.destroy();
  }
}

/** Finds, reads and merges coverage reports: a line is covered if any report covers it. */
export async function collectCoverage(request: CoverageRequest): Promise<CoverageFacts> {
  const { source, files } = await findReports(request);
  const facts: CoverageFacts = { source, reports: [], lines: new Map(), diagnostics: [] };
  if (files.length === 0) {
    if (source === 'policy') {
      facts.diagnostics.push({
        id: 'coverage-not-found',
        level: 'warning',
        message: `No file matches coverage.reports (${request.globs.join(', ')}).`,
        remedy: 'Run the tests with coverage before planning, or correct the globs.',
      });
    }
    return facts;
  }
  const repo = await trackedFiles(request.git, request.targetSha);
  const target = { sha: request.targetSha, committedAt: await commitTime(request.git, request.targetSha) };
  const lineCounts = new Map<string, number | null>();
  const mapper = new PathMapper(
    repo,
    request.repoRoot,
    request.pathMap,
    await goModule(request.git, request.targetSha),
  );
  for (const file of files) {
    const rel = relative(request.repoRoot, file);
    const shown = rel.startsWith('..') || isAbsolute(rel) ? file : rel;
    const status: CoverageReport = {
      path: shown,
      format: null,
      status: 'ok',
      message: null,
      files: 0,
      matched: 0,
    };
    facts.reports.push(status);
    mapper.startReport();
    // Lines go to a staging map first: a report that fails half-way contributes nothing.
    const staged = new Map<string, Map<number, number>>();
    const refused: string[] = [];
    const unmatched: string[] = [];
    const seen = new Set<string>();
    const reportDir = relative(request.repoRoot, dirname(file));
    const sink: CoverageSink = {
      addRoot: (root) => {
        mapper.addRoot(root);
      },
      file: (reportPath) => {
        const mapped = mapper.map(reportPath, reportDir.startsWith('..') ? '' : reportDir);
        if (!seen.has(reportPath)) {
          seen.add(reportPath);
          status.files += 1;
          if (mapped.kind === 'mapped') status.matched += 1;
          else if (mapped.kind === 'refused' && refused.length < 3) refused.push(mapped.reason);
          else if (mapped.kind === 'unmatched' && unmatched.length < 3) unmatched.push(reportPath);
        }
        if (mapped.kind !== 'mapped' || !request.wanted.has(mapped.path)) return null;
        let lines = staged.get(mapped.path);
        if (lines === undefined) {
          lines = new Map();
          staged.set(mapped.path, lines);
        }
        return lines;
      },
    };
    let generatedAt: number | null;
    try {
      const head = await readHead(file);
      status.format = sniffFormat(head, file);
      if (status.format === null) {
        throw new CoverageReadError(
          shown,
          'not a coverage format deployadvisor reads (LCOV, Cobertura, JaCoCo, Clover, Istanbul JSON, Go coverprofile, SimpleCov)',
        );
      }
      generatedAt = reportTimestamp(head, status.format);
      await readReport(file, status.format, sink, shown);
      // Read by its name (lcov.info, coverage.out, ...) or a weak sniff, a file that is empty or not a
      // report at all yields nothing: it is unreadable, never an "ok" report that measured nothing.
      if (status.files === 0) {
        throw new CoverageReadError(
          shown,
          (await stat(file)).size === 0
            ? 'the file is empty'
            : `nothing in it names a source file (read as ${status.format}): not a coverage report, or one of no files`,
        );
      }
    } catch (error) {
      status.status = 'unreadable';
      status.message =
        error instanceof CoverageReadError
          ? error.message
          : `${shown}: ${error instanceof Error ? error.message : String(error)}`;
      facts.diagnostics.push({
        id: 'coverage-unreadable',
        level: 'warning',
        message: `Coverage report ${status.message}.`,
      });
      continue;
    }
    await lineCountsOf(request.git, repo.blobs, staged.keys(), lineCounts);
    const stale = staleReason(staged, lineCounts, generatedAt, target);
    if (stale !== null) {
      // Never merged: its hits would credit lines it never measured.
      status.status = 'stale';
      status.message = stale;
      facts.diagnostics.push({
        id: 'coverage-stale',
        level: 'warning',
        message: `Coverage report ${shown} is for another commit: ${stale}. It is not counted.`,
        remedy: `Run the tests with coverage on ${request.targetSha.slice(0, 12)} and pass that report.`,
      });
      continue;
    }
    for (const [path, lines] of staged) {
      const merged = facts.lines.get(path);
      if (merged === undefined) facts.lines.set(path, lines);
      else for (const [line, hits] of lines) merged.set(line, (merged.get(line) ?? 0) + hits);
    }
    if (refused.length > 0) {
      facts.diagnostics.push({
        id: 'coverage-path-refused',
        level: 'warning',
        message: `Coverage report ${shown}: refused paths outside the repository or through symlinks: ${refused.join('; ')}.`,
      });
    }
    if (status.files > 0 && status.matched === 0) {
      status.status = 'unmatched';
      status.message = `none of its ${status.files} file path(s) match a file in the repository${unmatched.length > 0 ? ` (e.g. ${unmatched.join(', ')})` : ''}`;
      facts.diagnostics.push({
        id: 'coverage-unmatched',
        level: 'warning',
        message: `Coverage report ${shown}: ${status.message}, so it says nothing about this change.`,
        remedy:
          'Map its paths with coverage.pathMap (for example { from: "/app/", to: "" }), or generate it from this checkout.',
      });
    }
  }
  return facts;
}
