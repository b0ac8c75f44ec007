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

export function renderLineageText(report: LineageReport, style: Style): string {
  const out: string[] = [];
  out.push(style.bold('Lineage'), ...summaryLines(report).map((line) => `  ${line}`), '');

  out.push(style.bold('Commits'));
  if (report.commits.length === 0) out.push('  none in the range');
  else
    out.push(
      renderTable(
        ['Commit', 'Subject', 'AI tool', 'Basis', 'AI/lines', 'Review', 'Covered'],
        report.commits.map((c) => [
          short(c.sha),
          // One line per commit: the subject is cut to its column (the JSON has it whole).
          c.subject.length > 14 ? `${c.subject.slice(0, 13)}…` : c.subject,
          c.ai.tool ?? '-',
          c.attribution,
          `${c.ai.lines}/${c.lines}`,
          c.reviewed ? 'yes' : 'no',
          coverageCell(c.coverage),
        ]),
        [12, 16, 9, 8, 10, 8, 9],
      ),
    );
  const marked = report.commits.filter((c) => c.ai.marker !== null);
  for (const c of marked) out.push(`  ${short(c.sha)} ${c.ai.tool ?? ''}: ${c.ai.marker ?? ''}`);
  out.push('');

  out.push(style.bold('Files'));
  if (report.files.length === 0) out.push('  no file of the range has lines in the target');
  else
    out.push(
      renderTable(
        ['File', 'AI/lines', 'Share', 'Basis', 'Tools'],
        report.files.map((f) => [
          breakName(f.lowRisk ? `${f.path} (low risk)` : f.path, 28),
          `${f.aiLines}/${f.lines}`,
          formatRatio({ covered: f.aiLines, measured: f.lines }),
          f.attribution,
          f.tools.map((t) => `${t.tool} ${t.lines}`).join(', ') || '-',
        ]),
        [28, 11, 9, 8, 16],
      ),
    );
  out.push('');

  out.push(style.bold('Tools'));
  if (report.tools.length === 0) out.push('  no AI tool named in the range');
  else
    out.push(
      renderTable(
        ['Tool', 'Commits', 'Lines'],
        report.tools.map((t) => [t.tool, String(t.commits), String(t.lines)]),
        [16, 9, 9],
      ),
    );
  out.push('');

  out.push(...diagnosticsSection(report.diagnostics, style));
  return `${wrapBlock(out.join('\n').replace(/\n+$/, ''), 80)}\n`;
}
