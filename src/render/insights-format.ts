import { percent, thousands } from '../assess/text.js';
import {
  WEEKDAY_NAMES,
  type Dora,
  type DoraKey,
  type Insights,
  type RateRow,
} from '../assess/insights-types.js';

/*
 * How the insights renderers (text, markdown, HTML) write their numbers and names, so that the three
 * formats say the same figures the same way. Every figure is a formatted field of Insights: nothing is
 * derived.
 */

export const DORA_KEYS = [
  'deploymentFrequencyPerWeek',
  'leadTimeHours',
  'changeFailureRate',
  'timeToRestoreHours',
] as const satisfies ReadonlyArray<keyof Dora>;

export const DORA_TITLES: Record<keyof Dora, string> = {
  deploymentFrequencyPerWeek: 'Deployment frequency',
  leadTimeHours: 'Lead time for changes',
  changeFailureRate: 'Change failure rate',
  timeToRestoreHours: 'Time to restore',
};

/** A fixed number of decimals, trailing zeros dropped ("4.0" → "4"); never locale-dependent. */
export function decimal(value: number, digits = 1): string {
  const text = value.toFixed(digits);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** "1 deploy", "31 deploys". */
export function plural(count: number, word: string): string {
  return `${thousands(count)} ${word}${count === 1 ? '' : 's'}`;
}

/** A ratio as a whole percentage without the sign ("18"), for interval bounds. */
function bare(ratio: number): string {
  return String(Math.round(ratio * 100));
}

/** "[18–46%]": the 95% interval of a rate; empty when there is none. */
export function intervalLabel(row: RateRow): string {
  return row.low === null || row.high === null ? '' : `[${bare(row.low)}–${bare(row.high)}%]`;
}

/** "9/31 29% [18–46%]", or "no deploys". */
export function rateLabel(row: RateRow): string {
  if (row.deploys === 0 || row.rate === null) return 'no deploys';
  const interval = intervalLabel(row);
  return `${thousands(row.failed)}/${thousands(row.deploys)} ${percent(row.rate)}${interval === '' ? '' : ` ${interval}`}`;
}

/** "2.1x [1.1–3.9]": this row against all other deploys; "–" when undefined. */
export function ratioLabel(row: RateRow): string {
  return row.ratio === null
    ? '–'
    : `${row.ratio.value.toFixed(1)}x [${row.ratio.low.toFixed(1)}–${row.ratio.high.toFixed(1)}]`;
}

/** The row's key as a person reads it: "Fri", "09:00", "AI share ≥ 50%", or the zone name. */
export function keyLabel(
  dimension: 'weekday' | 'hour' | 'zone' | 'aiShare',
  key: string,
  aiShareThreshold: number,
): string {
  switch (dimension) {
    case 'weekday':
      return (WEEKDAY_NAMES as Record<string, string | undefined>)[key]?.slice(0, 3) ?? key;
    case 'hour':
      return /^\d+$/.test(key) ? `${key.padStart(2, '0')}:00` : key;
    case 'aiShare':
      if (key === 'low') return `AI share < ${percent(aiShareThreshold)}`;
      if (key === 'high') return `AI share ≥ ${percent(aiShareThreshold)}`;
      return key;
    case 'zone':
      return key;
  }
}

/** A DORA key's value and unit: { value: "11%", unit: "of deploys" }. */
export function doraValue(name: keyof Dora, key: DoraKey): { value: string; unit: string } {
  if (key.value === null) return { value: 'n/a', unit: '' };
  const small = Math.abs(key.value) < 1 ? 2 : 1;
  switch (name) {
    case 'deploymentFrequencyPerWeek':
      return { value: decimal(key.value, small), unit: 'per week' };
    case 'leadTimeHours':
    case 'timeToRestoreHours':
      return { value: decimal(key.value, small), unit: key.value === 1 ? 'hour' : 'hours' };
    case 'changeFailureRate':
      return { value: percent(key.value), unit: 'of deploys' };
  }
}

export function windowLabel(insights: Insights): string {
  const { since, until, weeks, timezone } = insights.window;
  // Weeks to one decimal (a 1-day window is 0.1 weeks, not 0); singular only for exactly 1.0.
  const shown = decimal(weeks);
  return `${since.slice(0, 10)} → ${until.slice(0, 10)} (${shown} week${shown === '1' || shown === '1.0' ? '' : 's'}, ${timezone})`;
}

/** True when the row's whole 95% interval against the other deploys lies above 1: not chance. */
export function standsOut(row: RateRow): boolean {
  return row.ratio !== null && row.ratio.low > 1;
}

const SPARKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/** One character per week: the height is deploys against the busiest week; a week without deploys is blank. */
export function sparkline(counts: number[]): string {
  const max = Math.max(0, ...counts);
  return counts
    .map((count) => (count <= 0 || max <= 0 ? ' ' : SPARKS[Math.max(0, Math.ceil((count / max) * 8) - 1)]))
    .join('');
}

/** A success rate with one decimal, truncated, so 3 failures in 1,113 read 99.7%, never 100%. */
export function successPercent(rate: number): string {
  if (rate >= 1) return '100%';
  return `${(Math.floor(rate * 1000) / 10).toFixed(1)}%`;
}
