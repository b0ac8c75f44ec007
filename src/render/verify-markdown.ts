import { pValue } from '../assess/verify.js';
import type { VerifyResult } from '../assess/verify-types.js';
import { mdCell, mdCode, mdInline } from './markdown.js';
import { escapeData, escapeProperty } from './github-commands.js';
import { medians, recordedLine } from './verify-text.js';

/** `verify` as markdown (PR comments, step summaries) and as GitHub annotations plus a step summary. */

export function renderVerifyMarkdown(result: VerifyResult): string {
  const out: string[] = [
    `## deployadvisor verify: ${result.verdict}`,
    '',
    `${mdInline(result.env)} at \`${result.deploy.sha.slice(0, 12)}\`, started ${result.deploy.startedAt} (record #${result.deploy.startedSeq}); window ${result.window.from} to ${result.window.to}, judged up to ${result.window.until}${result.window.complete ? '' : ' (still open)'}.`,
    '',
    '| metric | status | median before → after | shift | p |',
    '|---|---|---|---|---|',
  ];
  for (const m of result.metrics) {
    const shift =
      m.relativeShift === null
        ? m.shift === null
          ? '-'
          : String(m.shift)
        : `${Math.round(m.relativeShift * 1000) / 10}%`;
    out.push(
      `| ${mdCell(m.name)}${m.critical ? ' (critical)' : ''} | ${m.status} | ${mdCell(medians(m))} | ${shift} | ${m.p === null ? '-' : pValue(m.p)} |`,
    );
  }
  out.push('', '**Why**', '');
  for (const reason of result.reasons) out.push(`- ${mdInline(reason)}`);
  out.push('', '<details><summary>Queries</summary>', '');
  for (const m of result.metrics) out.push(`- ${mdInline(m.name)} (${m.provider}): ${mdCode(m.query)}`);
  out.push('', '</details>');
  const recorded = recordedLine(result);
  if (recorded !== null) out.push('', mdInline(recorded));
  return `${out.join('\n')}\n`;
}

export function renderVerifyGithub(result: VerifyResult): { stdout: string; summary: string } {
  const level = result.verdict === 'PASS' ? 'notice' : result.verdict === 'FAIL' ? 'error' : 'warning';
  const lines = [
    `::${level} title=${escapeProperty(`deployadvisor verify: ${result.verdict}`)}::${escapeData(result.reasons.join('; '))}`,
  ];
  for (const m of result.metrics.filter((metric) => metric.status === 'high' || metric.status === 'low')) {
    lines.push(`::error title=${escapeProperty(`Metric ${m.name} ${m.status}`)}::${escapeData(m.summary)}`);
  }
  return { stdout: `${lines.join('\n')}\n`, summary: renderVerifyMarkdown(result) };
}
