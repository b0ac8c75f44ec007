import { metricNumber, pValue } from '../assess/verify.js';
import type { MetricJudgement, VerifyResult } from '../assess/verify-types.js';
import type { Style } from './style.js';
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
  out.push(
    `${colour(style.bold(`verify ${result.verdict}`))}: ${result.env} at ${result.deploy.sha.slice(0, 12)}, started ${result.deploy.startedAt} (record #${result.deploy.startedSeq})`,
    `window ${result.window.from} to ${result.window.to} (after a ${result.deploy.deployMinutes}-minute rollout), judged up to ${result.window.until}${result.window.complete ? '' : ', still open'}${result.rounds > 1 ? `, ${result.rounds} rounds` : ''}${result.failedFast ? ', stopped early: a critical metric failed' : ''}`,
    '',
  );
  const rows = result.metrics.map((m) => [
    `${m.name}${m.critical ? ' (critical)' : ''}`,
    STATUS_TEXT[m.status],
    medians(m),
    shiftText(m),
    m.p === null ? '-' : pValue(m.p),
  ]);
  out.push(
    renderTable(['metric', 'status', 'median before → after', 'shift', 'p'], rows, [22, 9, 25, 10, 10]),
    '',
  );
  out.push('why');
  for (const reason of result.reasons) out.push(`  - ${reason}`);
  out.push('', 'metrics');
  for (const m of result.metrics) {
    out.push(
      `  ${m.name}: ${m.provider} ${m.query}`,
      `    bad if ${m.direction}, tolerance ${Math.round(m.tolerance * 1000) / 10}%; baseline ${m.baseline.kind === 'before' ? 'before the deploy' : 'offset'} ${m.baseline.from} to ${m.baseline.to}; samples ${m.samples.baseline} / ${m.samples.after}`,
      `    ${m.summary}`,
    );
  }
  const recorded = recordedLine(result);
  if (recorded !== null) out.push('', recorded);
  return `${out.join('\n')}\n`;
}
