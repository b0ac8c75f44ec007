import type { Plan, Verdict } from '../assess/plan-types.js';
import { sameDay } from '../assess/plan-summary.js';
import { coverageLines } from './coverage.js';
import { PIPE_WIDTH } from './formats.js';
import { diagnosticsSection, formatDuration, wrapBlock, type Style } from './style.js';
import { renderTable } from './table.js';

function verdictStyle(verdict: Verdict, style: Style): (text: string) => string {
  switch (verdict) {
    case 'GO':
      return (text) => style.bold(style.green(text));
    case 'WAIT':
      return (text) => style.bold(style.yellow(text));
    case 'BLOCK':
    case 'INCONCLUSIVE':
      return (text) => style.bold(style.red(text));
  }
}

export function shortSha(sha: string | null): string {
  return sha === null ? '(root)' : sha.slice(0, 12);
}

export function describeNextWindow(plan: Plan): string | null {
  const next = plan.timing.nextWindow;
  if (next === null) return null;
  const until = next.endLocal === null ? '' : ` – ${sameDay(next.startLocal, next.endLocal)}`;
  const when = next.open ? 'open now' : `in ${formatDuration(next.startsInMinutes)}`;
  const latest =
    next.latestStart === null
      ? ''
      : `; a ${plan.timing.deployMinutes}-min deploy must start by ${next.latestStart.slice(11, 16)}`;
  return `${next.startLocal}${until} ${plan.timing.timezone} (${when})${latest}`;
}

/** "Weights fitted by calibrate on ...": a plan that uses a model says so. */
export function modelLine(model: NonNullable<Plan['model']>): string {
  const auc = model.heldOutAuc === null ? 'n/a' : model.heldOutAuc.toFixed(3);
  const base = model.baselineAuc === null ? '' : `; lines added alone ${model.baselineAuc.toFixed(3)}`;
  return `Weights fitted by calibrate on ${model.fittedAt} over ${model.changes} changes (held-out AUC ${auc}${base}).`;
}

/** The factors table, and the evidence of each factor that scores. */
function factorsSection(plan: Plan, style: Style, width: number): string[] {
  const out: string[] = [];
  out.push(style.bold('Why (factors, largest first)'));
  out.push(
    renderTable(
      ['Factor', 'Points', 'Finding'],
      plan.factors.map((f) => [f.title, String(f.points), f.summary]),
      [18, 8, 50],
      width,
    ),
  );
  if (plan.model !== null) out.push(`  ${modelLine(plan.model)}`);
  const evidence = plan.factors.filter((f) => f.evidence.length > 0 && f.points > 0);
  for (const factor of evidence) {
    out.push(`  ${style.bold(factor.title)}`);
    for (const line of factor.evidence) out.push(`    - ${line}`);
  }
  out.push('');

  return out;
}

/** The gates that fired, worst first. */
function gatesSection(plan: Plan, style: Style): string[] {
  const out: string[] = [];
  out.push(style.bold('Gates'));
  if (plan.gates.length === 0) out.push('  none fired');
  for (const gate of plan.gates) {
    const level = gate.level.toUpperCase();
    out.push(
      `  ${gate.level === 'wait' ? style.yellow(level) : style.red(level)}  ${gate.title}: ${gate.reason}`,
    );
  }
  out.push('');

  return out;
}

/** The advice that lowers the score, largest saving first, then the rest. */
function lowerSection(plan: Plan, style: Style): string[] {
  const out: string[] = [];
  const lower = plan.factors
    .filter((f) => f.advice !== null && f.savings > 0)
    .sort((a, b) => b.savings - a.savings);
  out.push(style.bold('What would lower the score'));
  if (lower.length === 0)
    out.push('  nothing obvious: the remaining points come from what the change is, not how it ships');
  for (const factor of lower) out.push(`  −${factor.savings}  ${factor.advice ?? ''}`);
  const other = plan.factors.filter((f) => f.advice !== null && f.savings === 0);
  for (const factor of other) out.push(`  ${style.dim(`·  ${factor.advice ?? ''}`)}`);
  out.push('');

  return out;
}

export function renderText(plan: Plan, style: Style, width: number = PIPE_WIDTH): string {
  const out: string[] = [];
  const paint = verdictStyle(plan.verdict, style);
  out.push(
    `${paint(plan.verdict)}  deploy ${shortSha(plan.range.to)} (${plan.range.toRef}) to ${plan.env} — score ${style.bold(String(plan.score))}/100`,
  );
  if (plan.overridden !== null) {
    out.push(style.bold(style.red(`!!! OVERRIDE: ${plan.overridden.from} turned into GO by --override`)));
    out.push(style.bold(style.red(`!!! Reason: "${plan.overridden.reason}"`)));
  }
  out.push(plan.summary, plan.estimate.sentence, '');
  out.push(
    `${style.bold('Range')}  ${shortSha(plan.range.from)}..${shortSha(plan.range.to)}: ${plan.range.commits} commit(s), ${plan.range.files} file(s), ${plan.range.note}`,
    '',
  );

  out.push(...factorsSection(plan, style, width), ...gatesSection(plan, style));
  out.push(style.bold('Timing'));
  out.push(`  now          ${plan.timing.nowLocal} ${plan.timing.timezone}`);
  for (const active of plan.timing.active)
    out.push(`  in effect    ${active.label}, until ${active.untilLocal}`);
  const next = describeNextWindow(plan);
  out.push(
    `  next window  ${next ?? `none in the next ${plan.timing.horizonDays} days: ${plan.timing.noWindow ?? ''}`}`,
  );
  out.push('');

  out.push(style.bold('Rollback'));
  out.push(`  return to    ${shortSha(plan.rollback.targetSha)}`);
  plan.rollback.steps.forEach((step, i) => out.push(`  ${i + 1}. ${step}`));
  out.push('  watch:');
  for (const item of plan.rollback.watch) out.push(`    - ${item}`);
  out.push('');

  if (plan.sources.length > 0) {
    out.push(style.bold('Sources'));
    out.push(
      renderTable(
        ['Source', 'Status', 'ms', 'Query', 'Value'],
        plan.sources.map((source) => [
          source.name,
          source.status,
          source.latencyMs === null ? '-' : String(source.latencyMs),
          source.query ?? '-',
          source.value === null ? source.reason : `${source.value}: ${source.reason}`,
        ]),
        [14, 13, 7, 20, 22],
        width,
      ),
    );
    out.push('');
  }

  out.push(style.bold('Coverage'));
  for (const line of coverageLines(plan.coverage)) out.push(`  ${line}`);
  out.push('');

  if (plan.lineage.aiCommits > 0) {
    const share = plan.lineage.aiShare === null ? 'n/a' : `${Math.round(plan.lineage.aiShare * 100)}%`;
    out.push(style.bold('AI lineage'));
    out.push(
      `  ${plan.lineage.aiCommits} of ${plan.lineage.commits} commit(s), ${share} of changed code lines: ${plan.lineage.tools.map((t) => `${t.tool} ${t.commits} commit(s) ${t.lines} lines`).join('; ')}`,
    );
    out.push('');
  }

  out.push(...lowerSection(plan, style));
  out.push(...diagnosticsSection(plan.diagnostics, style));
  out.push(
    style.dim(
      `policy: ${plan.policy.source}${plan.policy.path === null ? '' : ` ${plan.policy.path}`}${plan.policy.blobSha === null ? '' : ` @ ${plan.policy.blobSha.slice(0, 12)}`} · exit ${plan.exitCode} (--fail-on ${plan.failOn})`,
    ),
  );
  return `${wrapBlock(out.join('\n'), width)}\n`;
}
