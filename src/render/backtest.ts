import { BACKTEST_FACTORS, type BacktestResult, type ThresholdRow } from '../assess/backtest.js';
import type { Calibration } from '../assess/calibrate.js';
import { short, thousands } from '../assess/context.js';
import { renderTable } from './table.js';
import { wrapBlock } from './style.js';

/** An AUC to three decimals, or n/a. */
export function auc(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(3);
}

function pct(value: number | null): string {
  return value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`;
}

function from(sha: string | null): string {
  return sha === null ? 'root' : short(sha);
}

function thresholdLine(name: string, row: ThresholdRow, failed: number): string {
  return `at ${name} ${row.threshold}: ${thousands(row.flagged)} change(s) flagged; precision ${pct(row.precision)}, recall ${pct(row.recall)} of ${thousands(failed)} failure(s)`;
}

function verdict(result: BacktestResult): string {
  const { auc: score } = result;
  const base = result.baseline.auc;
  if (score === null) return 'No failures to separate, so the score cannot be judged on this history.';
  if (base === null)
    return `The score separates failed from good changes with AUC ${auc(score)} (0.5 is chance, 1 is perfect); line counts were not available, so there is no lines-added baseline.`;
  const gap = score - base;
  const versus =
    Math.abs(gap) < 0.02
      ? 'about as well as lines added alone'
      : gap > 0
        ? `better than lines added alone (+${gap.toFixed(3)})`
        : `worse than lines added alone (${gap.toFixed(3)})`;
  return `The score separates failed from good changes with AUC ${auc(score)} (0.5 is chance, 1 is perfect), ${versus}.`;
}

/** Text report, 80 columns. */
export function renderBacktestText(result: BacktestResult): string {
  const lines: string[] = [];
  lines.push(
    `Backtest ${result.range.spec} (${from(result.range.from)}..${short(result.range.to)}): ${thousands(result.changes)} change(s), ${thousands(result.failed)} failed (${thousands(result.labels.revert)} reverted, ${thousands(result.labels.ledger)} by the ledger)`,
  );
  lines.push('');
  lines.push(wrapBlock(verdict(result), 80));
  lines.push('');
  lines.push(`  score AUC        ${auc(result.auc)}`);
  lines.push(`  lines-added AUC  ${auc(result.baseline.auc)}   (baseline: lines added alone)`);
  lines.push('');
  lines.push('Failure rate by score band');
  lines.push(
    renderTable(
      ['score', 'changes', 'failed', 'rate'],
      result.bands.map((band) => [
        `${band.from}–${band.to}`,
        thousands(band.changes),
        thousands(band.failed),
        pct(band.rate),
      ]),
      [10, 10, 10, 10],
    ),
  );
  lines.push(thresholdLine('waitAt', result.thresholds.waitAt, result.failed));
  lines.push(thresholdLine('blockAt', result.thresholds.blockAt, result.failed));
  lines.push('');
  const weights = Object.entries(result.weights)
    .map(([id, max]) => `${id} ${max}`)
    .join(', ');
  lines.push(
    wrapBlock(
      `Weights (${result.weightsSource === 'model' ? 'calibrated model' : 'policy'}): ${weights}. No coverage, timing or live sources for past changes.`,
      80,
    ),
  );
  const { merges, empty, reverts, shallowBoundary } = result.skipped;
  if (merges + empty + reverts + shallowBoundary > 0)
    lines.push(
      wrapBlock(
        `Not scored: ${thousands(merges)} merge commit(s), ${thousands(empty)} empty commit(s), ${thousands(reverts)} revert(s)${shallowBoundary > 0 ? `, ${shallowBoundary} shallow-clone boundary commit(s)` : ''}.`,
        80,
      ),
    );
  for (const d of result.diagnostics) {
    lines.push('');
    lines.push(wrapBlock(`${d.level}: ${d.message}${d.remedy === undefined ? '' : ` ${d.remedy}`}`, 80));
  }
  lines.push('');
  lines.push('Every change with its score, factor points and label: --format json.');
  return `${lines.join('\n')}\n`;
}

export function renderBacktestJson(result: BacktestResult): string {
  const { changeList, ...rest } = result;
  return `${JSON.stringify({ ...rest, changes: changeList, changeCount: result.changes }, null, 2)}\n`;
}

export function renderBacktestMarkdown(result: BacktestResult): string {
  const lines = [
    `### Backtest ${result.range.spec}`,
    '',
    verdict(result),
    '',
    '| | AUC |',
    '|---|---|',
    `| deployadvisor score | ${auc(result.auc)} |`,
    `| lines added alone | ${auc(result.baseline.auc)} |`,
    '',
    '| score band | changes | failed | rate |',
    '|---|---:|---:|---:|',
    ...result.bands.map(
      (band) => `| ${band.from}–${band.to} | ${band.changes} | ${band.failed} | ${pct(band.rate)} |`,
    ),
    '',
    `- ${thresholdLine('waitAt', result.thresholds.waitAt, result.failed)}`,
    `- ${thresholdLine('blockAt', result.thresholds.blockAt, result.failed)}`,
    `- ${thousands(result.changes)} change(s), ${thousands(result.failed)} failed (${result.labels.revert} reverted, ${result.labels.ledger} by the ledger)`,
  ];
  return `${lines.join('\n')}\n`;
}

/** What calibrate found, 80 columns; `written` is the policy file it wrote, if any. */
export function renderCalibrationText(c: Calibration, spec: string, written: string | null): string {
  const lines = [
    `Calibrate over ${spec}: trained on the older ${c.train.changes} change(s) (${c.train.failed} failed, ${c.train.from ?? '-'} to ${c.train.to ?? '-'}), tested on the newer ${c.test.changes} (${c.test.failed} failed, ${c.test.from ?? '-'} to ${c.test.to ?? '-'}).`,
    '',
    'Held-out AUC (0.5 is chance, 1 is perfect)',
    `  weights before   ${auc(c.before)}`,
    `  fitted weights   ${auc(c.after)}`,
    `  lines added only ${auc(c.baseline)}`,
    '',
    renderTable(
      ['factor', 'before', 'fitted', 'coefficient'],
      BACKTEST_FACTORS.map((id) => [
        id,
        String(c.previous[id]),
        String(c.weights[id]),
        c.coefficients[id].toFixed(3),
      ]),
      [12, 8, 8, 13],
    ),
  ];
  if (c.problem !== null) lines.push(wrapBlock(c.problem, 80));
  lines.push(
    written !== null
      ? `Written to ${written} (model:); plan now uses these weights and says so.`
      : c.problem === null
        ? 'Run with --write to store these weights in the policy (model: section).'
        : 'Nothing written.',
  );
  return `${wrapBlock(lines[0] ?? '', 80)}\n${lines.slice(1).join('\n')}\n`;
}
