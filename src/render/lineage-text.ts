import { formatRatio } from '../assess/coverage.js';
import { listSome, short } from '../assess/text.js';
import type { LineageReport, LineCoverage } from '../assess/lineage-types.js';
import { diagnosticsSection, wrapBlock, type Style } from './style.js';
import { breakName, renderTable } from './table.js';

export function coverageCell(coverage: LineCoverage | null): string {
  return coverage === null
    ? '-'
    : coverage.measured === 0
      ? 'n/a'
      : `${coverage.covered}/${coverage.measured}`;
}

/** The lines text and markdown open with: range, totals, which commits were counted how (JSON lists all). */
export function summaryLines(report: LineageReport): string[] {
  const { range, totals, notes } = report;
  const from = range.base.sha === null ? '(root)' : short(range.base.sha);
  const lines = [
    `Range ${from}..${short(range.target.sha)} (${range.target.ref}): ${totals.commits} commit(s), ${range.base.note}`,
    `AI lines: ${totals.aiLines} of the ${totals.rangeLines} line(s) the range left in ${totals.files} file(s) (${formatRatio({ covered: totals.aiLines, measured: totals.rangeLines })}); ${totals.aiCommits} AI-assisted commit(s)`,
    notes.present
      ? `git-ai notes (${notes.ref}): ${notes.commits} commit(s) of the range have a readable note${notes.malformed > 0 ? `, ${notes.malformed} a malformed one` : ''}`
      : `no git-ai notes (${notes.ref}): AI lines are counted per commit, from commit markers`,
  ];
  const byKind = (kind: 'line' | 'commit') =>
    report.commits.filter((c) => c.attribution === kind).map((c) => short(c.sha));
  const perLine = byKind('line');
  const perCommit = byKind('commit');
  lines.push(`attributed per line: ${perLine.length === 0 ? 'none' : listSome(perLine, 12)}`);
  lines.push(`attributed per commit only: ${perCommit.length === 0 ? 'none' : listSome(perCommit, 12)}`);
  if (totals.coverage !== null)
    lines.push(
      `coverage of the range's lines: ${coverageCell(totals.coverage)} covered (${formatRatio(totals.coverage)})`,
    );
  return lines;
}

/** The first `limit` rows (all with null), and a line saying how many were left out and how to see them. */
function bounded<T>(
  rows: readonly T[],
  limit: number | null,
  noun: string,
): { shown: T[]; more: string | null } {
  if (limit === null || rows.length <= limit) return { shown: [...rows], more: null };
  return {
    shown: rows.slice(0, limit),
    more: `  … and ${rows.length - limit} more ${noun} (--all lists every one; --format json has them all)`,
  };
}

function toolsSection(report: LineageReport, style: Style, width: number): string[] {
  const out = [style.bold('Tools')];
  if (report.tools.length === 0) out.push('  no AI tool named in the range');
  else
    out.push(
      renderTable(
        ['Tool', 'Commits', 'Lines'],
        report.tools.map((t) => [t.tool, String(t.commits), String(t.lines)]),
        [16, 9, 9],
        width,
      ),
    );
  out.push('');
  return out;
}

function filesSection(report: LineageReport, style: Style, limit: number | null, width: number): string[] {
  const out = [style.bold(limit === null ? 'Files' : 'Files (most AI lines first)')];
  // The files with the most AI lines first, then the most lines, then by path.
  const ranked = [...report.files].sort(
    (a, b) => b.aiLines - a.aiLines || b.lines - a.lines || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
  const { shown, more } = bounded(limit === null ? report.files : ranked, limit, 'file(s)');
  if (report.files.length === 0) out.push('  no file of the range has lines in the target');
  else
    out.push(
      renderTable(
        ['File', 'AI/lines', 'Share', 'Basis', 'Tools'],
        shown.map((f) => [
          breakName(f.lowRisk ? `${f.path} (low risk)` : f.path, 28),
          `${f.aiLines}/${f.lines}`,
          formatRatio({ covered: f.aiLines, measured: f.lines }),
          f.attribution,
          f.tools.map((t) => `${t.tool} ${t.lines}`).join(', ') || '-',
        ]),
        [28, 11, 9, 8, 16],
        width,
      ),
    );
  if (more !== null) out.push(more);
  out.push('');
  return out;
}

function commitsSection(report: LineageReport, style: Style, limit: number | null, width: number): string[] {
  const out = [style.bold('Commits')];
  const { shown, more } = bounded(report.commits, limit, 'commit(s)');
  // The subject gets what the terminal leaves it: 14 characters at 80 columns, the whole of it when wide.
  const subjectWidth = Math.max(14, width - 66);
  if (report.commits.length === 0) out.push('  none in the range');
  else
    out.push(
      renderTable(
        ['Commit', 'Subject', 'AI tool', 'Basis', 'AI/lines', 'Review', 'Covered'],
        shown.map((c) => [
          short(c.sha),
          c.subject.length > subjectWidth ? `${c.subject.slice(0, subjectWidth - 1)}…` : c.subject,
          c.ai.tool ?? '-',
          c.attribution,
          `${c.ai.lines}/${c.lines}`,
          c.reviewed ? 'yes' : 'no',
          coverageCell(c.coverage),
        ]),
        [12, 16, 9, 8, 10, 8, 9],
        width,
      ),
    );
  if (more !== null) out.push(more);
  for (const c of shown.filter((commit) => commit.ai.marker !== null))
    out.push(`  ${short(c.sha)} ${c.ai.tool ?? ''}: ${c.ai.marker ?? ''}`);
  out.push('');
  return out;
}

/**
 * Summary first, then tools, the files with the most AI lines, and the commits, each list cut to
 * `limit` rows (null: all) with a line saying how many more there are.
 */
export function renderLineageText(
  report: LineageReport,
  style: Style,
  options: { limit: number | null; width: number } = { limit: null, width: 80 },
): string {
  const { limit, width } = options;
  const out: string[] = [];
  out.push(style.bold('Lineage'), ...summaryLines(report).map((line) => `  ${line}`), '');
  out.push(...toolsSection(report, style, width));
  out.push(...filesSection(report, style, limit, width));
  out.push(...commitsSection(report, style, limit, width));
  out.push(...diagnosticsSection(report.diagnostics, style));
  return `${wrapBlock(out.join('\n').replace(/\n+$/, ''), width)}\n`;
}
