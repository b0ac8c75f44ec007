import type { Policy } from '../config/schema.js';
import { canonicalTool } from './ai-attribution.js';
import {
  attestedSegments,
  overlaps,
  parseAuthorshipNote,
  resolveKey,
  type AuthorshipNote,
  type Segment,
} from './ai-notes-format.js';
import { buildContext, type CommitView } from './context.js';
import { byText, short } from './text.js';
import type { CoverageFacts, Diagnostic, GitFacts } from './facts.js';
import {
  LINEAGE_SCHEMA_VERSION,
  type Attribution,
  type BlameOutcome,
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

interface ParsedNote {
  note: AuthorshipNote;
  segments: Map<string, Segment[]>;
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

/** Reads the notes; a malformed one is a diagnostic and its commit falls back to its markers. */
function parseNotes(input: LineageInput, diagnostics: Diagnostic[]): Map<string, ParsedNote> {
  const parsed = new Map<string, ParsedNote>();
  for (const commit of input.facts.commits) {
    const text = input.notes.texts.get(commit.sha);
    if (text === undefined) continue;
    const result = parseAuthorshipNote(text);
    if (result.status === 'malformed') {
      diagnostics.push({
        id: 'ai-note-malformed',
        level: 'warning',
        message: `The git-ai note on ${short(commit.sha)} (${input.notes.ref}) is malformed at line ${result.line}: ${result.message}. That commit is attributed per commit, from its markers.`,
        remedy: `Rewrite the note with git-ai, or inspect it: git notes --ref=${input.notes.ref} show ${commit.sha}`,
      });
      continue;
    }
    const segments = new Map(result.note.files.map((file) => [file.path, attestedSegments(file)]));
    parsed.set(commit.sha, { note: result.note, segments });
  }
  return parsed;
}

/** Keys another note of the range names with a tool: notes may refer to prompts recorded elsewhere. */
function knownTools(notes: ReadonlyMap<string, ParsedNote>): Map<string, string> {
  const tools = new Map<string, string>();
  for (const { note } of notes.values()) {
    for (const [key, agent] of [...note.prompts, ...note.sessions])
      if (agent.tool !== null && !tools.has(key)) tools.set(key, agent.tool);
  }
  return tools;
}

export function assessLineage(input: LineageInput): LineageReport {
  const { facts, policy } = input;
  const diagnostics: Diagnostic[] = [...facts.diagnostics];
  const context = buildContext(facts, policy);
  const views = new Map<string, CommitView>(context.commits.map((view) => [view.commit.sha, view]));
  const notes = parseNotes(input, diagnostics);
  const elsewhere = knownTools(notes);
  const toolOf = (parsed: ParsedNote, key: string): string | null => {
    const owner = resolveKey(parsed.note, key);
    if (owner.kind === 'human') return null;
    return canonicalTool(owner.tool ?? elsewhere.get(key.split('::')[0] ?? key) ?? 'unknown');
  };
  const attribution = (sha: string): Attribution =>
    notes.has(sha) ? 'line' : (views.get(sha)?.markers.length ?? 0) > 0 ? 'commit' : 'none';

  const coverage =
    input.coverage !== null && input.coverage.reports.some((report) => report.status === 'ok')
      ? input.coverage
      : null;
  if (input.coverage !== null) diagnostics.push(...input.coverage.diagnostics);

  const commitTallies = new Map<string, Tally>(facts.commits.map((commit) => [commit.sha, tally()]));
  const files: LineageFile[] = [];
  const fileTotals = tally();
  let totalLines = 0;
  for (const outcome of input.blame) {
    if (outcome.status === 'failed') {
      diagnostics.push({
        id: 'blame-failed',
        level: 'warning',
        message: `Could not blame ${outcome.path} at the target, so its lines are not counted: ${outcome.reason}`,
      });
      continue;
    }
    const file = tally();
    let lines = 0;
    const hits = coverage?.lines.get(outcome.path);
    for (const run of outcome.runs) {
      lines += run.count;
      const commit = commitTallies.get(run.sha);
      if (commit === undefined) continue; // written before the range
      file.lines += run.count;
      commit.lines += run.count;
      if (coverage !== null) {
        for (let n = run.finalStart; n < run.finalStart + run.count; n++) {
          const count = hits?.get(n);
          if (count === undefined) continue;
          for (const t of [file, commit]) {
            t.measured += 1;
            if (count > 0) t.covered += 1;
          }
        }
      }
      const parsed = notes.get(run.sha);
      if (parsed !== undefined) {
        const segments = parsed.segments.get(run.origPath) ?? [];
        for (const { key, lines: n } of overlaps(segments, run.origStart, run.origStart + run.count - 1)) {
          const tool = toolOf(parsed, key);
          if (tool === null) continue;
          credit(file, tool, n, 'line');
          credit(commit, tool, n, 'line');
        }
      } else {
        const marker = views.get(run.sha)?.markers[0];
        if (marker === undefined) continue;
        credit(file, marker.tool, run.count, 'commit');
        credit(commit, marker.tool, run.count, 'commit');
      }
    }
    totalLines += lines;
    fileTotals.lines += file.lines;
    fileTotals.aiLines += file.aiLines;
    fileTotals.measured += file.measured;
    fileTotals.covered += file.covered;
    files.push({
      path: outcome.path,
      lines,
      rangeLines: file.lines,
      aiLines: file.aiLines,
      aiShare: ratio(file.aiLines, lines),
      attribution:
        file.kinds.size === 0 ? 'none' : file.kinds.size === 2 ? 'mixed' : ([...file.kinds][0] ?? 'none'),
      tools: toolList(file.tools),
      lowRisk: context.isLowRisk(outcome.path),
      coverage: coverage === null ? null : { measured: file.measured, covered: file.covered },
    });
  }
  files.sort((a, b) => byText(a.path, b.path));

  const reviewKeys = new Set(policy.review.trailers.map((key) => key.toLowerCase()));
  const commits = facts.commits.map((commit): LineageCommit => {
    const view = views.get(commit.sha);
    const markers = (view?.markers ?? []).map(({ tool, marker }) => ({ tool, marker }));
    const t = commitTallies.get(commit.sha) ?? tally();
    const kind = attribution(commit.sha);
    const named = new Map(t.tools);
    const parsed = notes.get(commit.sha);
    if (parsed !== undefined) {
      // Tools the note names whose lines did not survive still count as having worked on the commit.
      for (const file of parsed.note.files)
        for (const entry of file.entries) {
          const tool = toolOf(parsed, entry.key);
          if (tool !== null && !named.has(tool)) named.set(tool, 0);
        }
    }
    // Markers name tools too: with a note they add the tool (the note decides the lines).
    for (const marker of markers) if (!named.has(marker.tool)) named.set(marker.tool, 0);
    const tools = toolList(named);
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
              ? `${NOTE_MARKER} (${input.notes.ref}, ${parsed.note.schemaVersion})`
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
      coverage: coverage === null ? null : { measured: t.measured, covered: t.covered },
    };
  });

  // Lines go to every tool credited with them. A commit its git-ai note attributes counts for every
  // tool the note names; one only its markers attribute counts once, under its first marker's tool, as
  // plan counts it (counting it for each marker made lineage say 13 where plan said 12).
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
  const tools = [...perTool.entries()]
    .filter(([, { commits: count, lines }]) => count > 0 || lines > 0)
    .map(([tool, { commits: count, lines }]) => ({ tool, commits: count, lines }))
    .sort((a, b) => b.lines - a.lines || b.commits - a.commits || byText(a.tool, b.tool));
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
