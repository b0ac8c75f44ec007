import { mdCell, mdCode, mdInline } from './markdown.js';
import { percent, thousands } from '../assess/text.js';
import type { Insights, RateRow } from '../assess/insights-types.js';
import {
  DORA_KEYS,
  DORA_TITLES,
  doraValue,
  intervalLabel,
  keyLabel,
  plural,
  ratioLabel,
  sparkline,
  windowLabel,
  successPercent,
} from './insights-format.js';

const BAND_ICON = { elite: '🟢', high: '🔵', medium: '🟡', low: '🔴' } as const;

const inline = mdInline;
const cell = mdCell;
const code = mdCode;

function rateTable(
  title: string,
  rows: RateRow[],
  dimension: 'weekday' | 'hour' | 'zone' | 'aiShare',
  insights: Insights,
): string[] {
  const out = [
    `| ${title} | Deploys | Failed | Rate | 95% interval | vs others |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    out.push(
      `| ${cell(keyLabel(dimension, row.key, insights.aiShareThreshold))} | ${thousands(row.deploys)} | ${thousands(row.failed)} | ${row.rate === null ? '–' : percent(row.rate)} | ${intervalLabel(row) || '–'} | ${ratioLabel(row)} |`,
    );
  }
  return out;
}

export function renderInsightsMarkdown(insights: Insights): string {
  const out: string[] = [];
  out.push(`## 📊 Deploy insights — ${inline(insights.env)}`, '');
  out.push(
    `${inline(windowLabel(insights))}: **${plural(insights.deploys, 'deploy')}**, **${thousands(insights.failed)} failed**.`,
    '',
  );

  out.push('### DORA four keys', '', '| Key | Value | Band | How measured |', '|---|---:|---|---|');
  for (const name of DORA_KEYS) {
    const key = insights.dora[name];
    const { value, unit } = doraValue(name, key);
    const band = key.band === null ? '–' : `${BAND_ICON[key.band]} ${key.band}`;
    out.push(
      `| ${DORA_TITLES[name]} | ${unit === '' ? value : `${value} ${unit}`} | ${band} | ${cell(key.summary)} |`,
    );
  }
  out.push('');

  if (insights.deploys === 0) {
    out.push('_No deploys in the window: there are no failure rates to show._', '');
  } else {
    out.push('### Highlights', '');
    if (insights.highlights.length === 0) out.push('- Nothing stands out from the overall failure rate.');
    for (const highlight of insights.highlights)
      out.push(`- ${inline(highlight.sentence)}${highlight.significant ? '' : ' _(could be chance)_'}`);
    out.push('');

    const { byWeekday, byHour, byZone, byAiShare } = insights.failureRate;
    out.push('### Failure rate', '');
    out.push(...rateTable('Weekday', byWeekday, 'weekday', insights), '');
    const hours = byHour.filter((row) => row.deploys > 0);
    out.push(
      '<details><summary>By hour</summary>',
      '',
      `Hours in ${inline(insights.window.timezone)}; hours without deploys are left out.`,
      '',
      ...rateTable('Hour', hours, 'hour', insights),
      '',
      '</details>',
      '',
    );
    if (byZone.length > 0) out.push(...rateTable('Zone', byZone, 'zone', insights), '');
    if (byAiShare.length > 0) out.push(...rateTable('AI share', byAiShare, 'aiShare', insights), '');
  }

  if (insights.weekly.some((week) => week.deploys > 0)) {
    const first = insights.weekly[0]?.week ?? '';
    const last = insights.weekly[insights.weekly.length - 1]?.week ?? '';
    out.push(
      `**Weekly deploys** ${inline(first)} … ${inline(last)}: \`${sparkline(insights.weekly.map((week) => week.deploys))}\``,
      '',
      '<details><summary>Per week</summary>',
      '',
      '| Week | Deploys | Failed |',
      '|---|---:|---:|',
      ...insights.weekly.map(
        (week) => `| ${cell(week.week)} | ${thousands(week.deploys)} | ${thousands(week.failed)} |`,
      ),
      '',
      '</details>',
      '',
    );
  }

  const main = insights.mainBranch;
  const rate =
    main.successRate === null
      ? ''
      : ` ${successPercent(main.successRate)} success, ${thousands(main.failed)} of ${thousands(main.total)} failed (${main.source === 'ci' ? 'CI runs' : 'commits not reverted'}).`;
  out.push(
    `**Main branch${main.branch === null ? '' : ` ${code(main.branch)}`}**:${rate} ${inline(main.summary)}`,
    '',
  );

  if (insights.diagnostics.length > 0) {
    out.push('**Diagnostics**', '');
    for (const d of insights.diagnostics)
      out.push(
        `- **${d.level}** ${inline(d.message)}${d.remedy === undefined ? '' : ` Remedy: ${inline(d.remedy)}`}`,
      );
    out.push('');
  }
  out.push(`<sub>${insights.schemaVersion} · ${insights.tool.name} ${inline(insights.tool.version)}</sub>`);
  return `${out.join('\n')}\n`;
}
