import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { CoverageFacts, CoverageReport } from '../../assess/facts.js';
import { UserError } from '../../errors.js';
import { notARegularFile } from '../file-kind.js';
import type { GitRunner } from '../git-runner.js';
import { PathMapper, type PathMapRule } from './path-map.js';
import { readHead, sniffFormat } from './sniff.js';
import { commitTime, goModule, lineCountsOf, reportTimestamp, staleReason, trackedFiles } from './target.js';
import { CoverageReadError, type CoverageFormat, type CoverageSink } from './types.js';

export { reportTimestamp } from './target.js';

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
    // Loaded only for globs: tinyglobby's directory walker (fdir) loads picomatch from disk as it starts.
    const { glob } = await import('tinyglobby');
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

/** What every report of a run is checked against: the target's files, its commit time and line counts. */
interface TargetContext {
  repo: Awaited<ReturnType<typeof trackedFiles>>;
  target: { sha: string; committedAt: number };
  lineCounts: Map<string, number | null>;
  mapper: PathMapper;
}

/** One report being read: its status, the lines it staged and the paths it could not place. */
interface ReportReading {
  status: CoverageReport;
  /** Lines go to a staging map first: a report that fails half-way contributes nothing. */
  staged: Map<string, Map<number, number>>;
  refused: string[];
  unmatched: string[];
}

function warnNoReports(facts: CoverageFacts, request: CoverageRequest): void {
  if (facts.source === 'policy') {
    facts.diagnostics.push({
      id: 'coverage-not-found',
      level: 'warning',
      message: `No file matches coverage.reports (${request.globs.join(', ')}).`,
      remedy: 'Run the tests with coverage before planning, or correct the globs.',
    });
  }
}

async function targetContext(request: CoverageRequest): Promise<TargetContext> {
  // three git processes, run side by side
  const [repo, committedAt, module] = await Promise.all([
    trackedFiles(request.git, request.targetSha),
    commitTime(request.git, request.targetSha),
    goModule(request.git, request.targetSha),
  ]);
  const target = { sha: request.targetSha, committedAt };
  const lineCounts = new Map<string, number | null>();
  const mapper = new PathMapper(repo, request.repoRoot, request.pathMap, module);
  return { repo, target, lineCounts, mapper };
}

/** The sink a reader hands file paths to: counts and maps each path, and stages the wanted ones. */
function reportSink(
  request: CoverageRequest,
  mapper: PathMapper,
  file: string,
  reading: ReportReading,
): CoverageSink {
  const { status, staged, refused, unmatched } = reading;
  const seen = new Set<string>();
  const reportDir = relative(request.repoRoot, dirname(file));
  return {
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
}

/** Sniffs and reads one report into the sink; returns the time it states it was generated, if any. */
async function readIntoSink(
  file: string,
  shown: string,
  status: CoverageReport,
  sink: CoverageSink,
): Promise<number | null> {
  const head = await readHead(file);
  status.format = sniffFormat(head, file);
  if (status.format === null) {
    throw new CoverageReadError(
      shown,
      'not a coverage format deployadvisor reads (LCOV, Cobertura, JaCoCo, Clover, Istanbul JSON, Go coverprofile, SimpleCov)',
    );
  }
  const generatedAt = reportTimestamp(head, status.format);
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
  return generatedAt;
}

function markUnreadable(facts: CoverageFacts, status: CoverageReport, shown: string, error: unknown): void {
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
}

function markStale(
  facts: CoverageFacts,
  status: CoverageReport,
  shown: string,
  stale: string,
  request: CoverageRequest,
): void {
  // Never merged: its hits would credit lines it never measured.
  status.status = 'stale';
  status.message = stale;
  facts.diagnostics.push({
    id: 'coverage-stale',
    level: 'warning',
    message: `Coverage report ${shown} is for another commit: ${stale}. It is not counted.`,
    remedy: `Run the tests with coverage on ${request.targetSha.slice(0, 12)} and pass that report.`,
  });
}

/** Merges a report's staged lines into the facts and says which of its paths were refused or unmatched. */
function mergeReading(facts: CoverageFacts, reading: ReportReading, shown: string): void {
  const { status, staged, refused, unmatched } = reading;
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

/** Reads one report file and, unless it is unreadable or stale, merges it into the facts. */
async function collectReport(
  request: CoverageRequest,
  context: TargetContext,
  facts: CoverageFacts,
  file: string,
): Promise<void> {
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
  context.mapper.startReport();
  const reading: ReportReading = { status, staged: new Map(), refused: [], unmatched: [] };
  const sink = reportSink(request, context.mapper, file, reading);
  let generatedAt: number | null;
  try {
    generatedAt = await readIntoSink(file, shown, status, sink);
  } catch (error) {
    markUnreadable(facts, status, shown, error);
    return;
  }
  await lineCountsOf(request.git, context.repo.blobs, reading.staged.keys(), context.lineCounts);
  const stale = staleReason(reading.staged, context.lineCounts, generatedAt, context.target);
  if (stale !== null) {
    markStale(facts, status, shown, stale, request);
    return;
  }
  mergeReading(facts, reading, shown);
}

/** Finds, reads and merges coverage reports: a line is covered if any report covers it. */
export async function collectCoverage(request: CoverageRequest): Promise<CoverageFacts> {
  const { source, files } = await findReports(request);
  const facts: CoverageFacts = { source, reports: [], lines: new Map(), diagnostics: [] };
  if (files.length === 0) {
    warnNoReports(facts, request);
    return facts;
  }
  const context = await targetContext(request);
  for (const file of files) await collectReport(request, context, facts, file);
  return facts;
}
