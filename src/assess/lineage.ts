import type { Policy } from '../config/schema.js';
import { overlaps } from './ai-notes-format.js';
import { buildContext, type CommitView, type Context } from './context.js';
import { byText } from './text.js';
import type { CoverageFacts, Diagnostic, GitFacts } from './facts.js';
import { parseNotes, toolResolver, type ParsedNote, type ToolOf } from './lineage-notes.js';
import {
  LINEAGE_SCHEMA_VERSION,
  type Attribution,
  type BlameOutcome,
  type BlameRun,
  type LineageCommit,
  type LineageFile,
  type LineageReport,
  type LineCoverage,
  type ToolLines,
} from './lineage-types.js';

export interface LineageInput {
  facts: GitFacts;
  policy: Policy;
  /** The git-ai notes of the range's commits, by commit sha, as text. */
  notes: { ref: string; present: boolean; texts: ReadonlyMap<string, string> };
  blame: readonly BlameOutcome[];
  /** null, or without a readable report: coverage is not reported. */
  coverage: CoverageFacts | null;
  toolVersion: string;
}

/** Mutable tallies while the blame is walked. */
interface Tally {
  lines: number;
  aiLines: number;
  tools: Map<string, number>;
  kinds: Set<'line' | 'commit'>;
  measured: number;
  covered: number;
}

function tally(): Tally {
  return { lines: 0, aiLines: 0, tools: new Map(), kinds: new Set(), measured: 0, covered: 0 };
}

function credit(t: Tally, tool: string, lines: number, kind: 'line' | 'commit'): void {
  if (lines <= 0) return;
  t.aiLines += lines;
  t.tools.set(tool, (t.tools.get(tool) ?? 0) + lines);
  t.kinds.add(kind);
}

function toolList(tools: ReadonlyMap<string, number>): ToolLines[] {
  return [...tools.entries()]
    .map(([tool, lines]) => ({ tool, lines }))
    .sort((a, b) => b.lines - a.lines || byText(a.tool, b.tool));
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

const NOTE_MARKER = 'git-ai note';

/** What the phases of assessLineage share. */
interface Lineage {
  input: LineageInput;
  context: Context;
  views: Map<string, CommitView>;
  notes: Map<string, ParsedNote>;
  toolOf: ToolOf;
  /** Only when some report was readable. */
  coverage: CoverageFacts | null;
  diagnostics: Diagnostic[];
}

/** Counts a run's measured and covered lines into each tally. */
function coverRun(hits: ReadonlyMap<number, number> | undefined, run: BlameRun, tallies: Tally[]): void {
  for (let n = run.finalStart; n < run.finalStart + run.count; n++) {
    const count = hits?.get(n);
    if (count === undefined) continue;
    for (const t of tallies) {
      t.measured += 1;
      if (count > 0) t.covered += 1;
    }
  }
}

/** Credits a run's lines to tools: by its commit's note line by line, else by its first marker. */
function attributeRun(l: Lineage, run: BlameRun, file: Tally, commit: Tally): void {
  const parsed = l.notes.get(run.sha);
  if (parsed !== undefined) {
    const segments = parsed.segments.get(run.origPath) ?? [];
    for (const { key, lines: n } of overlaps(segments, run.origStart, run.origStart + run.count - 1)) {
      const tool = l.toolOf(parsed, key);
      if (tool === null) continue;
      credit(file, tool, n, 'line');
      credit(commit, tool, n, 'line');
    }
  } else {
    const marker = l.views.get(run.sha)?.markers[0];
    if (marker === undefined) return;
    credit(file, marker.tool, run.count, 'commit');
    credit(commit, marker.tool, run.count, 'commit');
  }
}

/** One blamed file: its row, its tally of range lines, and all its lines. */
function blameFile(
  l: Lineage,
  outcome: Extract<BlameOutcome, { status: 'ok' }>,
  commitTallies: ReadonlyMap<string, Tally>,
): { row: LineageFile; file: Tally; lines: number } {
  const { coverage } = l;
  const file = tally();
  let lines = 0;
  const hits = coverage?.lines.get(outcome.path);
  for (const run of outcome.runs) {
    lines += run.count;
    const commit = commitTallies.get(run.sha);
    if (commit === undefined) continue; // written before the range
    file.lines += run.count;
    commit.lines += run.count;
    if (coverage !== null) coverRun(hits, run, [file, commit]);
    attributeRun(l, run, file, commit);
  }
  const row: LineageFile = {
    path: outcome.path,
    lines,
    rangeLines: file.lines,
    aiLines: file.aiLines,
    aiShare: ratio(file.aiLines, lines),
    attribution:
      file.kinds.size === 0 ? 'none' : file.kinds.size === 2 ? 'mixed' : ([...file.kinds][0] ?? 'none'),
    tools: toolList(file.tools),
    lowRisk: l.context.isLowRisk(outcome.path),
    coverage: coverage === null ? null : { measured: file.measured, covered: file.covered },
  };
  return { row, file, lines };
}

/** Walks the blame: a row per file, the totals over files, and each commit's tally filled in. */
function walkBlame(
  l: Lineage,
  commitTallies: ReadonlyMap<string, Tally>,
): { files: LineageFile[]; fileTotals: Tally; totalLines: number } {
  const files: LineageFile[] = [];
  const fileTotals = tally();
  let totalLines = 0;
  for (const outcome of l.input.blame) {
    if (outcome.status === 'failed') {
      l.diagnostics.push({
        id: 'blame-failed',
        level: 'warning',
        message: `Could not blame ${outcome.path} at the target, so its lines are not counted: ${outcome.reason}`,
      });
      continue;
    }
    const { row, file, lines } = blameFile(l, outcome, commitTallies);
    totalLines += lines;
    fileTotals.lines += file.lines;
    fileTotals.aiLines += file.aiLines;
    fileTotals.measured += file.measured;
    fileTotals.covered += file.covered;
    files.push(row);
  }
  files.sort((a, b) => byText(a.path, b.path));
  return { files, fileTotals, totalLines };
}

/** Every tool that worked on the commit, with the lines of it that survive. */
function commitTools(l: Lineage, sha: string, t: Tally, markers: readonly { tool: string }[]): ToolLines[] {
  const named = new Map(t.tools);
  const parsed = l.notes.get(sha);
  if (parsed !== undefined) {
    // Tools the note names whose lines did not survive still count as having worked on the commit.
    for (const file of parsed.note.files)
      for (const entry of file.entries) {
        const tool = l.toolOf(parsed, entry.key);
        if (tool !== null && !named.has(tool)) named.set(tool, 0);
      }
  }
  // Markers name tools too: with a note they add the tool (the note decides the lines).
  for (const marker of markers) if (!named.has(marker.tool)) named.set(marker.tool, 0);
  return toolList(named);
}

function lineageCommit(
  l: Lineage,
  commit: GitFacts['commits'][number],
  t: Tally,
  reviewKeys: ReadonlySet<string>,
): LineageCommit {
  const view = l.views.get(commit.sha);
  const markers = (view?.markers ?? []).map(({ tool, marker }) => ({ tool, marker }));
  const kind: Attribution = l.notes.has(commit.sha) ? 'line' : markers.length > 0 ? 'commit' : 'none';
  const parsed = l.notes.get(commit.sha);
  const tools = commitTools(l, commit.sha, t, markers);
  const tool = tools[0]?.tool ?? null;
  return {
    sha: commit.sha,
    subject: commit.subject,
    author: `${commit.author.name} <${commit.author.email}>`,
    date: commit.author.date,
    attribution: kind,
    ai: {
      tool,
      marker:
        tool === null
          ? null
          : parsed !== undefined
            ? `${NOTE_MARKER} (${l.input.notes.ref}, ${parsed.note.schemaVersion})`
            : (markers[0]?.marker ?? null),
      lines: t.aiLines,
      tools,
    },
    markers,
    reviewed: view?.reviewed ?? false,
    reviewEvidence: commit.trailers
      .filter((trailer) => reviewKeys.has(trailer.key.toLowerCase()))
      .map((trailer) => `${trailer.key}: ${trailer.value}`),
    lines: t.lines,
    coverage: l.coverage === null ? null : { measured: t.measured, covered: t.covered },
  };
}

// Lines go to every tool credited with them. A commit its git-ai note attributes counts for every
// tool the note names; one only its markers attribute counts once, under its first marker's tool, as
// plan counts it (counting it for each marker made lineage say 13 where plan said 12).
function toolTotals(
  commits: readonly LineageCommit[],
  notes: ReadonlyMap<string, ParsedNote>,
): LineageReport['tools'] {
  const perTool = new Map<string, { commits: number; lines: number }>();
  const entryOf = (tool: string) => {
    const entry = perTool.get(tool) ?? { commits: 0, lines: 0 };
    perTool.set(tool, entry);
    return entry;
  };
  for (const commit of commits) {
    for (const { tool, lines } of commit.ai.tools) entryOf(tool).lines += lines;
    const counted = notes.has(commit.sha)
      ? commit.ai.tools.map(({ tool }) => tool)
      : commit.markers.slice(0, 1).map(({ tool }) => tool);
    for (const tool of counted) entryOf(tool).commits += 1;
  }
  return [...perTool.entries()]
    .filter(([, { commits: count, lines }]) => count > 0 || lines > 0)
    .map(([tool, { commits: count, lines }]) => ({ tool, commits: count, lines }))
    .sort((a, b) => b.lines - a.lines || b.commits - a.commits || byText(a.tool, b.tool));
}

/** Reads the notes and the context, and picks the coverage to report (only a readable one). */
function prepare(input: LineageInput): Lineage {
  const { facts, policy } = input;
  const diagnostics: Diagnostic[] = [...facts.diagnostics];
  const context = buildContext(facts, policy);
  const views = new Map<string, CommitView>(context.commits.map((view) => [view.commit.sha, view]));
  const notes = parseNotes(facts.commits, input.notes, diagnostics);
  const coverage =
    input.coverage !== null && input.coverage.reports.some((report) => report.status === 'ok')
      ? input.coverage
      : null;
  if (input.coverage !== null) diagnostics.push(...input.coverage.diagnostics);
  return { input, context, views, notes, toolOf: toolResolver(notes), coverage, diagnostics };
}

export function assessLineage(input: LineageInput): LineageReport {
  const { facts, policy } = input;
  const l = prepare(input);
  const { notes, coverage, diagnostics } = l;
  const commitTallies = new Map<string, Tally>(facts.commits.map((commit) => [commit.sha, tally()]));
  const { files, fileTotals, totalLines } = walkBlame(l, commitTallies);
  const reviewKeys = new Set(policy.review.trailers.map((key) => key.toLowerCase()));
  const commits = facts.commits.map((commit) =>
    lineageCommit(l, commit, commitTallies.get(commit.sha) ?? tally(), reviewKeys),
  );
  const tools = toolTotals(commits, notes);
  const totalCoverage: LineCoverage | null =
    coverage === null ? null : { measured: fileTotals.measured, covered: fileTotals.covered };

  return {
    schemaVersion: LINEAGE_SCHEMA_VERSION,
    tool: { name: 'deployadvisor', version: input.toolVersion },
    range: {
      base: { ...facts.base },
      target: { ...facts.target },
    },
    notes: {
      ref: input.notes.ref,
      present: input.notes.present,
      commits: notes.size,
      malformed: facts.commits.filter((c) => input.notes.texts.has(c.sha) && !notes.has(c.sha)).length,
    },
    totals: {
      commits: commits.length,
      aiCommits: commits.filter((c) => c.ai.tool !== null).length,
      lineAttributed: commits.filter((c) => c.attribution === 'line').length,
      commitAttributed: commits.filter((c) => c.attribution === 'commit').length,
      files: files.length,
      lines: totalLines,
      rangeLines: fileTotals.lines,
      aiLines: fileTotals.aiLines,
      aiShare: ratio(fileTotals.aiLines, fileTotals.lines),
      coverage: totalCoverage,
    },
    commits,
    files,
    tools,
    diagnostics,
  };
}
