import { percent, thousands } from '../assess/text.js';
import type { Insights, RateRow } from '../assess/insights-types.js';
import { decimal, keyLabel, plural, rateLabel, ratioLabel, standsOut } from './insights-format.js';

/*
 * The charts of the HTML report, as SVG written by hand: fixed sizes, coordinates with one decimal, no
 * ids, no scripts. Every chart is <svg class="chart" data-chart=… role="img" aria-label=…> with a <title>.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

export type Dimension = 'weekday' | 'hour' | 'zone' | 'aiShare';

/** SVG coordinates with one decimal: short, and the same on every machine. */
function n(value: number): string {
  return decimal(value, 1);
}

/** The top of a rate axis: the highest interval bound rounded up to 10%, at least 10%, at most 100%. */
function rateCeiling(rows: RateRow[]): number {
  const top = Math.max(0, ...rows.map((row) => row.high ?? row.rate ?? 0));
  return Math.min(1, Math.max(0.1, Math.ceil(top * 10 - 1e-9) / 10));
}

/** Gridlines of a rate axis: every 10%, or every 20% above 50%; counted in whole steps so none drifts. */
function rateTicks(ceiling: number): number[] {
  const tenths = Math.round(ceiling * 10);
  const every = tenths > 5 ? 2 : 1;
  const ticks: number[] = [];
  for (let i = 0; i <= tenths; i += every) ticks.push(i / 10);
  return ticks;
}

/** Round axis steps for counts: 1, 2, 5, 10, 20, 50, … with at most five gridlines. */
function countStep(max: number): number {
  for (let magnitude = 1; ; magnitude *= 10)
    for (const step of [1, 2, 5].map((f) => f * magnitude)) if (max / step <= 5) return step;
}

function svgOpen(chart: string, label: string, width: number, height: number): string {
  const text = escapeHtml(label);
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="${chart}" role="img" aria-label="${text}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title>${text}</title>`;
}

function rowTitle(dimension: Dimension, row: RateRow, insights: Insights): string {
  const label = keyLabel(dimension, row.key, insights.aiShareThreshold);
  const ratio = row.ratio === null ? '' : `; ${ratioLabel(row)} vs all other deploys`;
  return `${label}: ${rateLabel(row)}${ratio}`;
}

/** A whisker from `low` to `high` (screen coordinates) at `at`; `vertical` when the bars stand up. */
function whisker(at: number, low: number, high: number, vertical: boolean): string {
  const cap = 5;
  if (vertical)
    return `<path class="whisker" d="M${n(at)} ${n(low)}V${n(high)}M${n(at - cap)} ${n(low)}H${n(at + cap)}M${n(at - cap)} ${n(high)}H${n(at + cap)}"/>`;
  return `<path class="whisker" d="M${n(low)} ${n(at)}H${n(high)}M${n(low)} ${n(at - cap)}V${n(at + cap)}M${n(high)} ${n(at - cap)}V${n(at + cap)}"/>`;
}

/** Failure rate per weekday or hour: standing bars with 95% interval whiskers. */
export function columnRateChart(
  chart: string,
  label: string,
  rows: RateRow[],
  dimension: Dimension,
  insights: Insights,
): string {
  const [width, height, left, right, top, bottom] = [900, 260, 44, 12, 14, dimension === 'weekday' ? 40 : 26];
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const ceiling = rateCeiling(rows);
  const y = (rate: number) => top + plotH * (1 - Math.min(rate, ceiling) / ceiling);
  const parts = [svgOpen(chart, label, width, height)];
  for (const tick of rateTicks(ceiling)) {
    parts.push(
      `<line class="grid" x1="${left}" x2="${width - right}" y1="${n(y(tick))}" y2="${n(y(tick))}"/><text class="axis" x="${left - 6}" y="${n(y(tick) + 4)}" text-anchor="end">${percent(tick)}</text>`,
    );
  }
  const slot = plotW / Math.max(1, rows.length);
  rows.forEach((row, i) => {
    const center = left + slot * (i + 0.5);
    const name = keyLabel(dimension, row.key, insights.aiShareThreshold);
    const tick = dimension === 'hour' ? row.key : name;
    parts.push(
      `<text class="axis" x="${n(center)}" y="${height - bottom + 16}" text-anchor="middle">${escapeHtml(tick)}</text>`,
    );
    if (row.deploys === 0 || row.rate === null) {
      if (dimension === 'weekday')
        parts.push(
          `<text class="axis" x="${n(center)}" y="${height - bottom + 30}" text-anchor="middle">no deploys</text>`,
        );
      return;
    }
    const hot = standsOut(row) ? ' hot' : '';
    const barW = slot * 0.6;
    parts.push(
      `<g><title>${escapeHtml(rowTitle(dimension, row, insights))}</title><rect class="bar${hot}" x="${n(center - barW / 2)}" y="${n(y(row.rate))}" width="${n(barW)}" height="${n(top + plotH - y(row.rate))}"/>`,
    );
    if (row.low !== null && row.high !== null) parts.push(whisker(center, y(row.low), y(row.high), true));
    parts.push('</g>');
    if (dimension === 'weekday')
      parts.push(
        `<text class="note" x="${n(center)}" y="${height - bottom + 30}" text-anchor="middle">${thousands(row.failed)}/${thousands(row.deploys)} ${percent(row.rate)}</text>`,
      );
  });
  parts.push(
    `<line class="base" x1="${left}" x2="${width - right}" y1="${top + plotH}" y2="${top + plotH}"/></svg>`,
  );
  return parts.join('');
}

/** Failure rate per zone or AI share: lying bars (long names fit) with whiskers and the label at the end. */
export function barRateChart(
  chart: string,
  label: string,
  rows: RateRow[],
  dimension: Dimension,
  insights: Insights,
): string {
  const [width, rowH, left, plotW, top] = [900, 28, 180, 500, 8];
  const height = top + rows.length * rowH + 24;
  const ceiling = rateCeiling(rows);
  const x = (rate: number) => left + plotW * (Math.min(rate, ceiling) / ceiling);
  const parts = [svgOpen(chart, label, width, height)];
  for (const tick of rateTicks(ceiling))
    parts.push(
      `<line class="grid" x1="${n(x(tick))}" x2="${n(x(tick))}" y1="${top}" y2="${height - 20}"/><text class="axis" x="${n(x(tick))}" y="${height - 6}" text-anchor="middle">${percent(tick)}</text>`,
    );
  rows.forEach((row, i) => {
    const middle = top + rowH * (i + 0.5);
    const name = keyLabel(dimension, row.key, insights.aiShareThreshold);
    const shown = name.length > 26 ? `${name.slice(0, 25)}…` : name;
    parts.push(
      `<g><title>${escapeHtml(rowTitle(dimension, row, insights))}</title><text class="axis" x="${left - 8}" y="${n(middle + 4)}" text-anchor="end">${escapeHtml(shown)}</text>`,
    );
    if (row.deploys > 0 && row.rate !== null) {
      const hot = standsOut(row) ? ' hot' : '';
      parts.push(
        `<rect class="bar${hot}" x="${left}" y="${n(middle - 8)}" width="${n(x(row.rate) - left)}" height="16"/>`,
      );
      if (row.low !== null && row.high !== null) parts.push(whisker(middle, x(row.low), x(row.high), false));
    }
    parts.push(
      `<text class="note" x="${left + plotW + 10}" y="${n(middle + 4)}">${escapeHtml(rateLabel(row))}</text></g>`,
    );
  });
  parts.push(`<line class="base" x1="${left}" x2="${left}" y1="${top}" y2="${height - 20}"/></svg>`);
  return parts.join('');
}

/** Deploys per week as columns, the failed ones as the red part at the foot of each. */
export function weeklyChart(insights: Insights): string {
  const weeks = insights.weekly;
  const [width, height, left, right, top, bottom] = [900, 240, 44, 12, 26, 30];
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const step = countStep(Math.max(1, ...weeks.map((week) => week.deploys)));
  const ceiling = step * Math.ceil(Math.max(1, ...weeks.map((week) => week.deploys)) / step);
  const h = (count: number) => (plotH * count) / ceiling;
  const parts = [
    svgOpen('weekly', 'Deploys per week, failed deploys in red', width, height),
    `<rect class="bar" x="${left}" y="6" width="10" height="10"/><text class="axis" x="${left + 14}" y="15">deploys</text>`,
    `<rect class="fail" x="${left + 80}" y="6" width="10" height="10"/><text class="axis" x="${left + 94}" y="15">failed</text>`,
  ];
  for (let tick = 0; tick <= ceiling; tick += step)
    parts.push(
      `<line class="grid" x1="${left}" x2="${width - right}" y1="${n(top + plotH - h(tick))}" y2="${n(top + plotH - h(tick))}"/><text class="axis" x="${left - 6}" y="${n(top + plotH - h(tick) + 4)}" text-anchor="end">${thousands(tick)}</text>`,
    );
  const slot = plotW / Math.max(1, weeks.length);
  const every = Math.ceil(weeks.length / 8);
  weeks.forEach((week, i) => {
    const x = left + slot * i + slot * 0.15;
    const base = top + plotH;
    parts.push(
      `<g><title>${escapeHtml(week.week)}: ${plural(week.deploys, 'deploy')}, ${thousands(week.failed)} failed</title><rect class="bar" x="${n(x)}" y="${n(base - h(week.deploys))}" width="${n(slot * 0.7)}" height="${n(h(week.deploys))}"/><rect class="fail" x="${n(x)}" y="${n(base - h(week.failed))}" width="${n(slot * 0.7)}" height="${n(h(week.failed))}"/></g>`,
    );
    if (i % every === 0)
      parts.push(
        `<text class="axis" x="${n(left + slot * (i + 0.5))}" y="${height - 10}" text-anchor="middle">${escapeHtml(week.week)}</text>`,
      );
  });
  parts.push(
    `<line class="base" x1="${left}" x2="${width - right}" y1="${top + plotH}" y2="${top + plotH}"/></svg>`,
  );
  return parts.join('');
}
