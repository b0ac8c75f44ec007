import { percent, thousands } from '../assess/text.js';
import type { DoraBand, Insights, RateRow } from '../assess/insights-types.js';
import {
  DORA_KEYS,
  DORA_TITLES,
  doraValue,
  intervalLabel,
  keyLabel,
  plural,
  rateLabel,
  ratioLabel,
  sparkline,
  standsOut,
  windowLabel,
  successPercent,
} from './insights-format.js';
import { wrap, wrapBlock, type Style } from './style.js';
import { PIPE_WIDTH } from './formats.js';
import { breakName, renderTable } from './table.js';

/** Band colours: green for the good bands, yellow and red for the ones to work on. */
function bandStyle(band: DoraBand | null, style: Style): (text: string) => string {
  switch (band) {
    case 'elite':
      return (text) => style.bold(style.green(text));
    case 'high':
      return (text) => style.green(text);
    case 'medium':
      return (text) => style.yellow(text);
    case 'low':
      return (text) => style.red(text);
    case null:
      return (text) => style.dim(text);
  }
}

/** Word-wraps `text` to `width` columns, `indent` spaces in, continuation lines `hanging` spaces in. */
function indented(width: number, text: string, indent: number, hanging = indent): string[] {
  return wrap(`${' '.repeat(indent)}${text}`, width, ' '.repeat(hanging)).split('\n');
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'] as const;
const BAR_WIDTH = 24;

/** A horizontal bar of `width` columns at most, in eighths of a column; a non-zero rate shows at least ▏. */
export function bar(rate: number, max: number, width = BAR_WIDTH): string {
  if (rate <= 0 || max <= 0) return '';
  const eighths = Math.max(1, Math.round((Math.min(rate, max) / max) * width * 8));
  return `${'█'.repeat(Math.floor(eighths / 8))}${EIGHTHS[eighths % 8] ?? ''}`;
}

/** The short label of a text chart row: "Fri", "09". */
function shortKey(dimension: 'weekday' | 'hour', key: string): string {
  return dimension === 'hour' ? key.padStart(2, '0') : keyLabel('weekday', key, 0);
}

/** One line per row; runs of rows without deploys fold into one line ("00–08", "Sat–Sun"). */
function barChart(rows: RateRow[], dimension: 'weekday' | 'hour', style: Style): string[] {
  const max = Math.max(0, ...rows.map((row) => row.rate ?? 0));
  const out: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row === undefined) continue;
    if (row.deploys === 0 || row.rate === null) {
      let last = i;
      while (rows[last + 1] !== undefined && rows[last + 1]?.deploys === 0) last++;
      const to = rows[last];
      const label =
        last === i || to === undefined
          ? shortKey(dimension, row.key)
          : `${shortKey(dimension, row.key)}–${shortKey(dimension, to.key)}`;
      out.push(`  ${label.padEnd(7)} ${style.dim('· no deploys')}`);
      i = last;
      continue;
    }
    const label = shortKey(dimension, row.key).padEnd(7);
    const drawn = bar(row.rate, max).padEnd(BAR_WIDTH);
    out.push(
      standsOut(row)
        ? `  ${label} ${style.red(drawn)} ${rateLabel(row)} ${style.red(ratioLabel(row))}`
        : `  ${label} ${drawn} ${rateLabel(row)}`,
    );
  }
  return out;
}

function rateTable(
  rows: RateRow[],
  dimension: 'zone' | 'aiShare',
  insights: Insights,
  width: number,
): string {
  const head = [
    dimension === 'zone' ? 'Zone' : 'AI share',
    'Deploys',
    'Failed',
    'Rate',
    'Interval',
    'vs others',
  ];
  return renderTable(
    head,
    rows.map((row) => [
      breakName(keyLabel(dimension, row.key, insights.aiShareThreshold), 20),
      thousands(row.deploys),
      thousands(row.failed),
      row.rate === null ? '–' : percent(row.rate),
      intervalLabel(row) || '–',
      ratioLabel(row),
    ]),
    [20, 9, 8, 6, 12, 18],
    width,
  );
}

/** Under each week: how many deploys failed (a digit, `+` past 9), `·` for none. */
function failedMarks(weekly: Insights['weekly'], style: Style): string {
  return weekly
    .map((week) => {
      if (week.failed > 0) return style.red(week.failed > 9 ? '+' : String(week.failed));
      return week.deploys > 0 ? style.dim('·') : ' ';
    })
    .join('');
}

function weeklyLines(insights: Insights, style: Style): string[] {
  const { weekly } = insights;
  if (weekly.length === 0) return ['  no weeks in the window'];
  const first = weekly[0]?.week ?? '';
  const last = weekly[weekly.length - 1]?.week ?? '';
  const busiest = Math.max(...weekly.map((week) => week.deploys));
  if (busiest === 0) return [`  no deploys in the ${plural(weekly.length, 'week')} of the window`];
  const out = [`  ${first} … ${last}, busiest week ${plural(busiest, 'deploy')}`];
  const perRow = 72;
  for (let start = 0; start < weekly.length; start += perRow) {
    const chunk = weekly.slice(start, start + perRow);
    out.push(`  ${sparkline(chunk.map((week) => week.deploys))}`);
    out.push(`  ${failedMarks(chunk, style)}`);
  }
  out.push(style.dim('  (bars: deploys per week; below: failed deploys that week)'));
  return out;
}

/** The Diagnostics section (nothing when there are none), each wrapped under its text. */
function diagnosticLines(insights: Insights, style: Style, width: number): string[] {
  if (insights.diagnostics.length === 0) return [];
  const out = [style.bold('Diagnostics')];
  for (const d of insights.diagnostics) {
    const level =
      d.level === 'info'
        ? style.dim(d.level)
        : d.level === 'warning'
          ? style.yellow(d.level)
          : style.red(d.level);
    const text = `${d.message}${d.remedy === undefined ? '' : ` Remedy: ${d.remedy}`}`;
    const [first = '', ...rest] = indented(width, `${d.level.padEnd(7)}  ${text}`, 2, 11);
    out.push(first.replace(d.level, level), ...rest);
  }
  out.push('');
  return out;
}

export function renderInsightsText(insights: Insights, style: Style, width: number = PIPE_WIDTH): string {
  const out: string[] = [];
  out.push(`${style.bold('Deploy insights')} — ${insights.env}`);
  out.push(
    `  ${windowLabel(insights)}: ${plural(insights.deploys, 'deploy')}, ${thousands(insights.failed)} failed`,
    '',
  );

  out.push(style.bold('DORA four keys'));
  for (const name of DORA_KEYS) {
    const key = insights.dora[name];
    const { value, unit } = doraValue(name, key);
    const figure = (unit === '' ? value : `${value} ${unit}`).padEnd(18);
    out.push(
      `  ${DORA_TITLES[name].padEnd(23)} ${figure} ${bandStyle(key.band, style)(key.band ?? 'no band')}`,
    );
    out.push(...indented(width, key.summary, 6).map((line) => style.dim(line)));
  }
  out.push('');

  if (insights.deploys === 0) {
    out.push('No deploys in the window: there are no failure rates to show.', '');
  } else {
    out.push(style.bold('Highlights'));
    if (insights.highlights.length === 0) out.push('  nothing stands out from the overall failure rate');
    for (const highlight of insights.highlights) {
      const note = highlight.significant ? '' : style.dim(' (could be chance)');
      out.push(
        ...indented(width, `- ${highlight.sentence}`, 2, 4).map((line, i, all) =>
          i === all.length - 1 ? `${line}${note}` : line,
        ),
      );
    }
    out.push('');

    const { byWeekday, byHour, byZone, byAiShare } = insights.failureRate;
    out.push(`${style.bold('Failure rate by weekday')} ${style.dim('(failed/deploys rate [95% interval])')}`);
    out.push(...barChart(byWeekday, 'weekday', style));
    out.push(
      style.dim('  bars relative to the highest rate; red: above the other deploys beyond chance'),
      '',
    );
    out.push(
      `${style.bold('Failure rate by hour')} ${style.dim(`(hour of day, ${insights.window.timezone})`)}`,
    );
    out.push(...barChart(byHour, 'hour', style), '');

    out.push(`${style.bold('Failure rate by zone')} ${style.dim('(interval: 95%; vs others: rate ratio)')}`);
    out.push(
      byZone.length === 0 ? '  no risk zones touched' : rateTable(byZone, 'zone', insights, width),
      '',
    );
    out.push(style.bold('Failure rate by AI share'));
    out.push(
      byAiShare.length === 0 ? '  no AI share measured' : rateTable(byAiShare, 'aiShare', insights, width),
      '',
    );
  }

  out.push(style.bold('Weekly deploys'));
  out.push(...weeklyLines(insights, style), '');

  const main = insights.mainBranch;
  out.push(style.bold(`Main branch health${main.branch === null ? '' : ` (${main.branch})`}`));
  if (main.successRate !== null) {
    const source = main.source === 'ci' ? 'CI runs' : 'commits not reverted';
    out.push(
      `  ${successPercent(main.successRate)} success: ${thousands(main.failed)} of ${thousands(main.total)} failed (${source})`,
    );
  }
  out.push(...indented(width, main.summary, 2), '');

  out.push(...diagnosticLines(insights, style, width));
  out.push(style.dim(`${insights.schemaVersion} · ${insights.tool.name} ${insights.tool.version}`));
  return `${wrapBlock(out.join('\n'), width)}\n`;
}
