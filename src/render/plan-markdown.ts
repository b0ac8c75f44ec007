import type { Plan } from '../assess/plan-types.js';
import { coverageLines } from './coverage.js';
import { mdCell, mdCode, mdInline } from './markdown.js';
import { describeNextWindow, modelLine, shortSha } from './plan-text.js';

const ICON = { GO: '🟢', WAIT: '🟡', BLOCK: '🔴', INCONCLUSIVE: '⚪' } as const;

const cell = mdCell;
const inline = mdInline;

export function renderMarkdown(plan: Plan): string {
  const out: string[] = [];
  out.push(
    `## ${ICON[plan.verdict]} ${plan.verdict} — deploy \`${shortSha(plan.range.to)}\` to ${inline(plan.env)} (score ${plan.score}/100)`,
    '',
  );
  if (plan.overridden !== null)
    out.push(
      `> **OVERRIDE**: ${plan.overridden.from} turned into GO. Reason: "${cell(plan.overridden.reason)}"`,
      '',
    );
  out.push(inline(plan.summary), '', inline(plan.estimate.sentence), '');
  out.push(
    `Range \`${shortSha(plan.range.from)}..${shortSha(plan.range.to)}\`: ${plan.range.commits} commit(s), ${plan.range.files} file(s), ${inline(plan.range.note)}.`,
    '',
  );
  out.push('| Factor | Points | Finding |', '|---|---:|---|');
  for (const f of plan.factors) out.push(`| ${cell(f.title)} | ${f.points} | ${cell(f.summary)} |`);
  if (plan.model !== null) out.push('', `_${modelLine(plan.model)}_`);
  out.push('');
  if (plan.gates.length > 0) {
    out.push('**Gates**', '');
    for (const gate of plan.gates)
      out.push(`- **${gate.level.toUpperCase()}** ${inline(gate.title)}: ${inline(gate.reason)}`);
    out.push('');
  }
  const next = describeNextWindow(plan);
  out.push(
    `**Timing**: now ${plan.timing.nowLocal} ${plan.timing.timezone}; next window ${next ?? `none in the next ${plan.timing.horizonDays} days: ${mdInline(plan.timing.noWindow ?? '')}`}.`,
    '',
  );
  if (plan.sources.length > 0) {
    out.push('**Sources**', '', '| Source | Status | Latency | Query | Value |', '|---|---|---:|---|---|');
    for (const source of plan.sources) {
      const latency = source.latencyMs === null ? '–' : `${source.latencyMs} ms`;
      const query = source.query === null ? '–' : cell(mdCode(source.query));
      const value =
        source.value === null ? cell(source.reason) : `${cell(source.value)}: ${cell(source.reason)}`;
      out.push(`| ${cell(source.name)} | ${source.status} | ${latency} | ${query} | ${value} |`);
    }
    out.push('');
  }
  out.push('**Coverage**', '', ...coverageLines(plan.coverage).map((line) => `- ${cell(line)}`), '');
  out.push('<details><summary>Evidence</summary>', '');
  for (const f of plan.factors.filter((factor) => factor.evidence.length > 0)) {
    out.push(`- **${inline(f.title)}**`);
    for (const line of f.evidence) out.push(`  - ${cell(line)}`);
  }
  out.push('', '</details>', '');
  out.push(`**Rollback** to \`${shortSha(plan.rollback.targetSha)}\`:`, '');
  plan.rollback.steps.forEach((step, i) => out.push(`${i + 1}. ${inline(step)}`));
  out.push('', 'Watch:', ...plan.rollback.watch.map((w) => `- ${inline(w)}`), '');
  const lower = plan.factors
    .filter((f) => f.advice !== null && f.savings > 0)
    .sort((a, b) => b.savings - a.savings);
  if (lower.length > 0) {
    out.push('**What would lower the score**', '');
    for (const f of lower) out.push(`- −${f.savings}: ${inline(f.advice ?? '')}`);
    out.push('');
  }
  if (plan.diagnostics.length > 0) {
    out.push('**Diagnostics**', '');
    for (const d of plan.diagnostics)
      out.push(
        `- ${d.level}: ${inline(d.message)}${d.remedy === undefined ? '' : ` Remedy: ${inline(d.remedy)}`}`,
      );
    out.push('');
  }
  out.push(
    `<sub>deployadvisor ${plan.tool.version} · exit ${plan.exitCode} · inputs ${plan.inputsDigest.slice(0, 12)}</sub>`,
  );
  return `${out.join('\n')}\n`;
}
