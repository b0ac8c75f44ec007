import { metricNumber, pValue } from '../assess/verify.js';
import type { MetricJudgement, VerifyResult } from '../assess/verify-types.js';
import { wrap, type Style } from './style.js';
import { renderTable } from './table.js';

/** `verify` as text: the verdict line first, then the metrics table, why, and what was recorded. */

const STATUS_TEXT: Record<MetricJudgement['status'], string> = {
  pass: 'pass',
  high: 'HIGH',
  low: 'LOW',
  'no-data': 'no data',
  unavailable: 'down',
};

function shiftText(m: MetricJudgement): string {
  if (m.relativeShift !== null) {
    const rounded = Math.round(m.relativeShift * 1000) / 10;
    return `${rounded >= 0 ? '+' : ''}${rounded}%`;
  }
  return m.shift === null ? '-' : `${m.shift >= 0 ? '+' : ''}${metricNumber(m.shift)}`;
}

export function medians(m: MetricJudgement): string {
  const value = (v: number | null) => (v === null ? '-' : metricNumber(v));
  return `${value(m.median.baseline)} → ${value(m.median.after)}`;
}

/** One line about what --record did. */
export function recordedLine(result: VerifyResult): string | null {
  const { recorded } = result;
  if (recorded === null) return null;
  if ('skipped' in recorded) return `not recorded: ${recorded.skipped}`;
  return `recorded ${recorded.type} #${recorded.seq} (id ${recorded.id.slice(0, 12)}), linked to started #${result.deploy.startedSeq}`;
}

export function renderVerifyText(result: VerifyResult, style: Style): string {
  const colour = (text: string) =>
    result.verdict === 'PASS'
      ? style.green(text)
      : result.verdict === 'FAIL'
        ? style.red(text)
        : style.yellow(text);
  const out: string[] = [];
  // 80 columns: long lines wrap, continuation indented under their first word.
  const line = (text: string, indent = '    ') => out.push(wrap(text, 80, indent));
  line(
    `${colour(style.bold(`verify ${result.verdict}`))}: ${result.env}, ${result.deploy.sha.slice(0, 12)} started ${result.deploy.startedAt} (#${result.deploy.startedSeq})`,
  );
  line(
    `window ${result.window.from} to ${result.window.to} (after a ${result.deploy.deployMinutes}-minute rollout), judged up to ${result.window.until}${result.window.complete ? '' : ', still open'}${result.rounds > 1 ? `, ${result.rounds} rounds` : ''}${result.failedFast ? ', stopped early: a critical metric failed' : ''}`,
    '  ',
  );
  out.push('');
  const rows = result.metrics.map((m) => [
    `${m.name}${m.critical ? ' (critical)' : ''}`,
    STATUS_TEXT[m.status],
    medians(m),
    shiftText(m),
    m.p === null ? '-' : pValue(m.p),
  ]);
  out.push(
    renderTable(['metric', 'status', 'median before → after', 'shift', 'p'], rows, [20, 9, 24, 10, 11]),
    '',
  );
  out.push('why');
  for (const reason of result.reasons) line(`  - ${reason}`);
  out.push('', 'metrics');
  for (const m of result.metrics) {
    line(`  ${m.name}: ${m.provider} ${m.query}`, '      ');
    line(
      `    bad if ${m.direction}, tolerance ${Math.round(m.tolerance * 1000) / 10}%; baseline ${m.baseline.kind === 'before' ? 'before the deploy' : 'offset'} ${m.baseline.from} to ${m.baseline.to}; samples ${m.samples.baseline} / ${m.samples.after}`,
      '      ',
    );
    line(`    ${m.summary}`, '      ');
  }
  const recorded = recordedLine(result);
  if (recorded !== null) {
    out.push('');
    line(recorded, '  ');
  }
  return `${out.join('\n')}\n`;
}
