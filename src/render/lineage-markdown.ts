import { formatRatio } from '../assess/coverage.js';
import { short } from '../assess/text.js';
import type { LineageReport } from '../assess/lineage-types.js';
import { coverageCell, summaryLines } from './lineage-text.js';
import { mdCell, mdCode } from './markdown.js';

const cell = mdCell;

/** For PR comments and step summaries (`--format github` prints the same). */
export function renderLineageMarkdown(report: LineageReport): string {
  const out: string[] = ['## AI lineage', ''];
  for (const line of summaryLines(report)) out.push(`- ${cell(line)}`);
  out.push('');
  if (report.commits.length > 0) {
    out.push('| Commit | Subject | AI tool | Basis | AI lines | Lines | Review | Covered |');
    out.push('|---|---|---|---|---:|---:|---|---:|');
    for (const c of report.commits)
      out.push(
        `| \`${short(c.sha)}\` | ${cell(c.subject)} | ${c.ai.tool ?? '-'} | ${c.attribution} | ${c.ai.lines} | ${c.lines} | ${c.reviewed ? cell(c.reviewEvidence.join('; ')) : 'no'} | ${coverageCell(c.coverage)} |`,
      );
    out.push('');
  }
  if (report.files.length > 0) {
    out.push('| File | AI lines | Lines | Share | Basis | Tools |', '|---|---:|---:|---:|---|---|');
    for (const f of report.files)
      out.push(
        `| ${mdCell(mdCode(f.path))} | ${f.aiLines} | ${f.lines} | ${formatRatio({ covered: f.aiLines, measured: f.lines })} | ${f.attribution} | ${f.tools.map((t) => `${t.tool} ${t.lines}`).join(', ') || '-'} |`,
      );
    out.push('');
  }
  if (report.tools.length > 0) {
    out.push('| Tool | Commits | Lines |', '|---|---:|---:|');
    for (const t of report.tools) out.push(`| ${cell(t.tool)} | ${t.commits} | ${t.lines} |`);
    out.push('');
  }
  if (report.diagnostics.length > 0) {
    out.push('**Diagnostics**', '');
    for (const d of report.diagnostics)
      out.push(
        `- ${d.level}: ${cell(d.message)}${d.remedy === undefined ? '' : ` Remedy: ${cell(d.remedy)}`}`,
      );
    out.push('');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
