import type { DeployFit } from '../assess/calibrate-deploy.js';
import { UNIT_NAMES } from '../assess/deploy-units.js';
import type { BacktestResult, KindFigures, ThresholdRow } from '../assess/backtest.js';
import { BACKTEST_FACTORS } from '../assess/factors/registry.js';
import type { Calibration } from '../assess/calibrate.js';
import { auc, short, thousands } from '../assess/text.js';
import { CHANGE_FEATURES } from '../assess/change-features.js';
import { PIPE_WIDTH } from './formats.js';
import { renderTable } from './table.js';
import { wrapBlock } from './style.js';

/** An AUC to three decimals, or n/a. */
function pct(value: number | null): string {
  return value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`;
}

function from(sha: string | null): string {
  return sha === null ? 'root' : short(sha);
}

function thresholdLine(name: string, row: ThresholdRow, failed: number): string {
  return `at ${name} ${row.threshold}: ${thousands(row.flagged)} change(s) flagged; precision ${pct(row.precision)}, recall ${pct(row.recall)} of ${thousands(failed)} failure(s)`;
}

function interval(value: [number, number] | null): string {
  return value === null ? '' : ` [${value[0].toFixed(2)}–${value[1].toFixed(2)}]`;
}

function verdict(result: BacktestResult): string {
  const any = result.byKind.any;
  if (any.auc === null) return 'No failures to separate, so the score cannot be judged on this history.';
  const head = `The score separates failed from good changes with AUC ${auc(any.auc)}${interval(any.interval)} (0.5 is chance, 1 is perfect; 95% interval counting ${thousands(any.events)} failure event(s))`;
  if (any.baseline.auc === null)
    return `${head}; line counts were not available, so there is no lines-added baseline.`;
  const versus =
    any.comparison === 'better'
      ? 'better than lines added alone (the intervals do not overlap)'
      : any.comparison === 'worse'
        ? 'worse than lines added alone (the intervals do not overlap)'
        : `not distinguishable from lines added alone (${auc(any.baseline.auc)}; the intervals overlap)`;
  return `${head}, ${versus}.`;
}

const KIND_NAMES = { any: 'any failure', revert: 'reverted', hotfix: 'hot-fixed', ledger: 'ledger' } as const;

function kindRows(result: BacktestResult): string[][] {
  return (Object.keys(KIND_NAMES) as Array<keyof typeof KIND_NAMES>).map((kind) => {
    const k: KindFigures = result.byKind[kind];
    return [
      KIND_NAMES[kind],
      `${thousands(k.failed)} / ${thousands(k.events)}`,
      `${auc(k.auc)}${interval(k.interval)}`,
      `${auc(k.baseline.auc)}${interval(k.baseline.interval)}`,
      pct(k.top10.recall),
    ];
  });
}

function flagLine(result: BacktestResult): string {
  const f = result.flagRates;
  const one = (name: string, row: (typeof f)['riskyAt']) => `${name} ${row.threshold}: ${pct(row.share)}`;
  const d = result.deployFlagRates;
  const s = d.suggested;
  const tune =
    s.riskyAt === null || s.waitAt === null || s.blockAt === null
      ? ''
      : ` To flag about 13% / 5% / 1% of these units: riskyAt ${s.riskyAt}, waitAt ${s.waitAt}, blockAt ${s.blockAt}.`;
  return `Flag rates, share at or above: of ${thousands(d.count)} deploy-sized units (${UNIT_NAMES[d.units]}, each scored together; ${thousands(d.failed)} failed) ${one('riskyAt', d.riskyAt)}, ${one('waitAt', d.waitAt)}, ${one('blockAt', d.blockAt)}; of single changes ${one('riskyAt', f.riskyAt)}, ${one('waitAt', f.waitAt)}, ${one('blockAt', f.blockAt)}.${tune}`;
}

function modelLine(result: BacktestResult): string {
  const m = result.model;
  const h = result.hotfix;
  return `Model: ${m.source === 'prior' ? `the shipped prior (fitted ${m.fittedAt} on public histories, none of them this one)` : `calibrated on this repository (${m.fittedAt})`}. Hotfix labels: lines changed by ${thousands(h.fixCommits)} fix commit(s) within ${m.hotfixDays} days (SZZ; ${thousands(h.blamedNow)} blamed now, ${thousands(h.fromCache)} from the cache${h.failedFiles > 0 ? `, ${thousands(h.failedFiles)} file(s) could not be blamed` : ''}).`;
}

/** Text report, `width` columns (80 off a terminal). */
export function renderBacktestText(result: BacktestResult, width: number = PIPE_WIDTH): string {
  const lines: string[] = [];
  lines.push(
    `Backtest ${result.range.spec} (${from(result.range.from)}..${short(result.range.to)}): ${thousands(result.changes)} change(s), ${thousands(result.failed)} failed (${thousands(result.labels.revert)} reverted, ${thousands(result.labels.hotfix)} hot-fixed, ${thousands(result.labels.ledger)} by the ledger)`,
  );
  lines.push('');
  lines.push(wrapBlock(verdict(result), width));
  lines.push('');
  lines.push(
    renderTable(
      ['label', 'changes / events', 'score AUC', 'lines-added AUC', 'top 10%'],
      kindRows(result),
      [12, 18, 18, 18, 9],
      width,
    ),
  );
  lines.push(
    wrapBlock(
      'top 10%: the share of all failed changes that are in the riskiest tenth by the score (recall).',
      width,
    ),
  );
  lines.push(wrapBlock(flagLine(result), width));
  lines.push(wrapBlock(modelLine(result), width));
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
      width,
    ),
  );
  const { merges, empty, reverts, shallowBoundary } = result.skipped;
  if (merges + empty + reverts + shallowBoundary > 0)
    lines.push(
      wrapBlock(
        `Not scored: ${thousands(merges)} merge commit(s), ${thousands(empty)} empty commit(s), ${thousands(reverts)} revert(s)${shallowBoundary > 0 ? `, ${shallowBoundary} shallow-clone boundary commit(s)` : ''}.`,
        width,
      ),
    );
  for (const d of result.diagnostics) {
    lines.push('');
    lines.push(wrapBlock(`${d.level}: ${d.message}${d.remedy === undefined ? '' : ` ${d.remedy}`}`, width));
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
    '| label | changes / events | score AUC | lines-added AUC | recall in top 10% |',
    '|---|---:|---|---|---:|',
    ...kindRows(result).map((row) => `| ${row.join(' | ')} |`),
    '',
    flagLine(result),
    '',
    modelLine(result),
    '',
    '| score band | changes | failed | rate |',
    '|---|---:|---:|---:|',
    ...result.bands.map(
      (band) => `| ${band.from}–${band.to} | ${band.changes} | ${band.failed} | ${pct(band.rate)} |`,
    ),
    '',
    `- ${thresholdLine('waitAt', result.thresholds.waitAt, result.failed)}`,
    `- ${thresholdLine('blockAt', result.thresholds.blockAt, result.failed)}`,
    `- ${thousands(result.changes)} change(s), ${thousands(result.failed)} failed (${result.labels.revert} reverted, ${result.labels.hotfix} hot-fixed, ${result.labels.ledger} by the ledger)`,
  ];
  return `${lines.join('\n')}\n`;
}

/** The deploy-level refit in one paragraph. */
function deployLine(d: DeployFit): string {
  const head = `Deploy level, on ${thousands(d.count)} deploy-sized units (${UNIT_NAMES[d.units]}; ${thousands(d.failed)} needed a rollback or fix${d.failedShare === null ? '' : `, ${pct(d.failedShare)}`}).`;
  if (d.before === null || d.after === null || d.observed === null)
    return `${head} ${d.problem ?? ''}`.trim() + scaleLine(d);
  const judged = `Held out, ${pct(d.observed)} failed: the calibration in force estimated ${pct(d.before.meanEstimate)} on average (log-loss ${d.before.logLoss.toFixed(3)}), the refitted one ${pct(d.after.meanEstimate)} (log-loss ${d.after.logLoss.toFixed(3)}); a = ${d.fitted.a}, b = ${d.fitted.b}.`;
  return `${head} ${judged}${d.problem === null ? '' : ` ${d.problem}`}${scaleLine(d)}`;
}

const rates = (r: readonly number[]) => r.map((rate) => pct(rate)).join(' / ');

/** The score scale's check, as one sentence after the deploy level's. */
function scaleLine(d: DeployFit): string {
  if (d.scale === null) return '';
  const { anchors, heldOut, problem } = d.scale;
  return ` Score scale: this repository's own (estimates ${rates(anchors)} score 30 / 50 / 75) flags ${rates(heldOut.after)} of the newer ${thousands(heldOut.units)} units at 30 / 50 / 75, against ${rates(heldOut.before)} without it (target about 13% / 5% / 1%).${problem === null ? '' : ` ${problem}`}`;
}

/** What calibrate found, `width` columns; `written` is the policy file it wrote, if any. */
export function renderCalibrationText(
  c: Calibration,
  spec: string,
  written: string | null,
  deploy: DeployFit,
  width: number = PIPE_WIDTH,
): string {
  const wf = c.walkForward;
  const lines = [
    `Calibrate over ${spec}: trained on the older ${c.train.changes} change(s) (${c.train.failed} failure(s) known by then, ${c.train.from ?? '-'} to ${c.train.to ?? '-'}), tested on the newer ${c.test.changes} (${c.test.failed} failed, ${c.test.from ?? '-'} to ${c.test.to ?? '-'}).`,
    '',
    'Held-out AUC (0.5 is chance, 1 is perfect)',
    `  model before     ${auc(c.before)}`,
    `  fitted model     ${auc(c.after)}`,
    `  lines added only ${auc(c.baseline)}`,
    `  walk-forward     ${auc(wf.auc)}${interval(wf.interval)} (${thousands(wf.changes)} changes, ${thousands(wf.failed)} failed; each fold fitted on what was known before it)`,
    '',
    renderTable(
      ['feature', 'prior', 'fitted'],
      CHANGE_FEATURES.map((id) => [id, c.priorCoefficients[id].toFixed(3), c.coefficients[id].toFixed(3)]),
      [18, 10, 10],
    ),
    renderTable(
      ['policy factor', 'weight before', 'fitted'],
      BACKTEST_FACTORS.map((id) => [id, String(c.previous[id]), String(c.weights[id])]),
      [18, 14, 10],
    ),
  ];
  if (c.problem !== null) lines.push(wrapBlock(c.problem, width));
  lines.push(wrapBlock(deployLine(deploy), width));
  lines.push(
    written !== null
      ? `Written to ${written} (model:); plan now uses this model and says so.`
      : c.problem === null || deploy.problem === null
        ? 'Run with --write to store this model in the policy (model: section).'
        : 'Nothing written.',
  );
  return `${wrapBlock(lines[0] ?? '', width)}\n${lines.slice(1).join('\n')}\n`;
}
