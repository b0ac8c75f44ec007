import { percent, thousands } from '../assess/text.js';
import type { DeployRow, Insights, RateRow } from '../assess/insights-types.js';
import {
  DORA_KEYS,
  DORA_TITLES,
  decimal,
  doraValue,
  intervalLabel,
  keyLabel,
  plural,
  ratioLabel,
  windowLabel,
  successPercent,
} from './insights-format.js';
import { barRateChart, columnRateChart, escapeHtml, weeklyChart, type Dimension } from './insights-svg.js';

export { escapeHtml } from './insights-svg.js';

/*
 * One self-contained HTML5 page: inline CSS, hand-written SVG, no scripts, no fonts, no URLs (the SVG
 * namespace is an identifier, not a fetch). Every string from the data goes through escapeHtml;
 * the charts are in insights-svg.ts.
 */

function rateTable(heading: string, rows: RateRow[], dimension: Dimension, insights: Insights): string {
  const body = rows
    .map(
      (row) =>
        `<tr><th scope="row">${escapeHtml(keyLabel(dimension, row.key, insights.aiShareThreshold))}</th><td>${thousands(row.deploys)}</td><td>${thousands(row.failed)}</td><td>${row.rate === null ? '–' : percent(row.rate)}</td><td>${intervalLabel(row) || '–'}</td><td>${ratioLabel(row)}</td></tr>`,
    )
    .join('\n');
  return `<details><summary>Table</summary><table><thead><tr><th scope="col">${heading}</th><th scope="col">Deploys</th><th scope="col">Failed</th><th scope="col">Rate</th><th scope="col">95% interval</th><th scope="col">vs others</th></tr></thead><tbody>\n${body}\n</tbody></table></details>`;
}

function weeklyTable(insights: Insights): string {
  const body = insights.weekly
    .map(
      (week) =>
        `<tr><th scope="row">${escapeHtml(week.week)}</th><td>${thousands(week.deploys)}</td><td>${thousands(week.failed)}</td></tr>`,
    )
    .join('\n');
  return `<details><summary>Table</summary><table><thead><tr><th scope="col">Week</th><th scope="col">Deploys</th><th scope="col">Failed</th></tr></thead><tbody>\n${body}\n</tbody></table></details>`;
}

function deployTable(rows: DeployRow[]): string {
  const body = rows
    .map((row) => {
      const cells = [
        escapeHtml(row.at),
        `<code>${escapeHtml(row.sha.slice(0, 12))}</code>`,
        escapeHtml(row.outcome),
        row.failedBy === null ? '–' : escapeHtml(row.failedBy),
        escapeHtml(row.weekday),
        String(row.hour),
        thousands(row.commits),
        thousands(row.linesChanged),
        row.aiShare === null ? '–' : percent(row.aiShare),
        row.zones.length === 0 ? '–' : escapeHtml(row.zones.join(', ')),
        row.restoredHours === null ? '–' : decimal(row.restoredHours),
      ];
      return `<tr class="${row.outcome === 'succeeded' ? 'ok' : 'failed'}">${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
    })
    .join('\n');
  const head = [
    'When (UTC)',
    'Commit',
    'Outcome',
    'Known by',
    'Day',
    'Hour',
    'Commits',
    'Lines',
    'AI share',
    'Zones',
    'Restored (h)',
  ];
  return `<details><summary>All ${plural(rows.length, 'deploy')}</summary><table><thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead><tbody>\n${body}\n</tbody></table></details>`;
}

/** Prose from the data: escaped, with `code` spans (as the sentences and remedies write them) as <code>. */
function prose(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

const CSS = `
:root { color-scheme: light; --ink: #1f2328; --muted: #656d76; --line: #d0d7de; --bar: #4c78a8; --hot: #d6604d; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 960px; padding: 24px; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 1.6em; margin: 0 0 4px; } h2 { font-size: 1.2em; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.muted, footer { color: var(--muted); } footer { margin-top: 40px; font-size: 0.85em; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: 6px; padding: 10px 14px; }
.card h3 { margin: 0; font-size: 0.9em; color: var(--muted); font-weight: 600; }
.card .value { font-size: 1.8em; font-weight: 700; margin: 2px 0; } .card .unit { font-size: 0.5em; font-weight: 400; color: var(--muted); }
.card .band { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 0.8em; font-weight: 600; background: #eaeef2; }
.card p { margin: 4px 0; } .card .summary { font-size: 0.85em; }
.band-elite { border-left-color: #1a7f37; } .band-elite .band { background: #dafbe1; color: #116329; }
.band-high { border-left-color: #0969da; } .band-high .band { background: #ddf4ff; color: #0550ae; }
.band-medium { border-left-color: #bf8700; } .band-medium .band { background: #fff8c5; color: #7d4e00; }
.band-low { border-left-color: #cf222e; } .band-low .band { background: #ffebe9; color: #a40e26; }
svg.chart { display: block; max-width: 100%; height: auto; margin: 8px 0; font-size: 11px; }
.grid { stroke: #eaeef2; } .base { stroke: var(--muted); } .axis { fill: var(--muted); } .note { fill: var(--ink); }
.bar { fill: var(--bar); } .bar.hot, .fail { fill: var(--hot); } .whisker { stroke: var(--ink); stroke-width: 1.5; fill: none; }
table { border-collapse: collapse; margin: 8px 0; font-size: 0.9em; } th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: right; }
th[scope="row"], thead th, td:nth-child(10) { text-align: left; } tr.failed td { background: #fff5f5; }
summary { cursor: pointer; color: var(--muted); } .highlights li.chance { color: var(--muted); }
.diag-warning { color: #9a6700; } .diag-error { color: #cf222e; }
@media print { details { display: block; } body { max-width: none; } }
`;

function doraSection(insights: Insights): string[] {
  const body: string[] = [];
  body.push('<h2>DORA four keys</h2><div class="cards">');
  for (const name of DORA_KEYS) {
    const key = insights.dora[name];
    const { value, unit } = doraValue(name, key);
    body.push(
      `<section class="card band-${key.band ?? 'none'}"><h3>${DORA_TITLES[name]}</h3><p class="value">${value} <span class="unit">${unit}</span></p><p><span class="band">${key.band ?? 'no band'}</span> <span class="muted">sample ${thousands(key.sample)}</span></p><p class="summary">${prose(key.summary)}</p></section>`,
    );
  }
  body.push('</div>');
  return body;
}

function highlightsSection(insights: Insights): string[] {
  const body: string[] = [];
  body.push('<h2>Highlights</h2><ul class="highlights">');
  if (insights.highlights.length === 0)
    body.push('<li>Nothing stands out from the overall failure rate.</li>');
  for (const h of insights.highlights)
    body.push(
      h.significant
        ? `<li>${prose(h.sentence)}</li>`
        : `<li class="chance">${prose(h.sentence)} <em>(could be chance)</em></li>`,
    );
  body.push('</ul>');
  return body;
}

function failureRateSections(insights: Insights): string[] {
  const body: string[] = [];
  const { byWeekday, byHour, byZone, byAiShare } = insights.failureRate;
  const note =
    '<p class="muted">Bars: failed / deploys; whiskers: 95% interval; red: higher than the other deploys beyond chance.</p>';
  body.push('<h2>Failure rate by weekday</h2>', note);
  body.push(
    columnRateChart('weekday', 'Failure rate by weekday, with 95% intervals', byWeekday, 'weekday', insights),
  );
  body.push(rateTable('Weekday', byWeekday, 'weekday', insights));
  body.push(
    `<h2>Failure rate by hour <span class="muted">(${escapeHtml(insights.window.timezone)})</span></h2>`,
  );
  body.push(
    columnRateChart('hour', 'Failure rate by hour of day, with 95% intervals', byHour, 'hour', insights),
  );
  body.push(rateTable('Hour', byHour, 'hour', insights));
  body.push('<h2>Failure rate by zone</h2>');
  if (byZone.length === 0) body.push('<p>No risk zones touched.</p>');
  else
    body.push(
      barRateChart('zone', 'Failure rate by risk zone, with 95% intervals', byZone, 'zone', insights),
      rateTable('Zone', byZone, 'zone', insights),
    );
  body.push('<h2>Failure rate by AI share</h2>');
  if (byAiShare.length === 0) body.push('<p>No AI share measured.</p>');
  else
    body.push(
      barRateChart(
        'ai-share',
        'Failure rate by AI share of the change, with 95% intervals',
        byAiShare,
        'aiShare',
        insights,
      ),
      rateTable('AI share', byAiShare, 'aiShare', insights),
    );
  return body;
}

function weeklySection(insights: Insights): string[] {
  const body: string[] = [];
  body.push('<h2>Weekly deploys</h2>');
  if (insights.weekly.some((week) => week.deploys > 0))
    body.push(weeklyChart(insights), weeklyTable(insights));
  else body.push(`<p>No deploys in the ${plural(insights.weekly.length, 'week')} of the window.</p>`);
  return body;
}

function mainBranchSection(insights: Insights): string[] {
  const body: string[] = [];
  const main = insights.mainBranch;
  body.push(
    `<h2>Main branch health${main.branch === null ? '' : ` <code>${escapeHtml(main.branch)}</code>`}</h2>`,
  );
  if (main.successRate !== null)
    body.push(
      `<p><strong>${successPercent(main.successRate)} success</strong>: ${thousands(main.failed)} of ${thousands(main.total)} failed (${main.source === 'ci' ? 'CI runs' : 'commits not reverted'}).</p>`,
    );
  body.push(`<p>${prose(main.summary)}</p>`);
  return body;
}

function diagnosticsSection(insights: Insights): string[] {
  const body: string[] = [];
  if (insights.diagnostics.length > 0) {
    body.push('<h2>Diagnostics</h2><ul>');
    for (const d of insights.diagnostics)
      body.push(
        `<li class="diag-${d.level}"><strong>${d.level}</strong> ${prose(d.message)}${d.remedy === undefined ? '' : ` <em>Remedy:</em> ${prose(d.remedy)}`}</li>`,
      );
    body.push('</ul>');
  }
  return body;
}

export function renderInsightsHtml(insights: Insights): string {
  const env = escapeHtml(insights.env);
  const body: string[] = [];
  body.push(
    `<header><h1>Deploy insights — ${env}</h1><p class="muted">${escapeHtml(windowLabel(insights))}: <strong>${plural(insights.deploys, 'deploy')}</strong>, <strong>${thousands(insights.failed)} failed</strong>.</p></header>`,
  );
  body.push(...doraSection(insights));
  if (insights.deploys === 0) {
    body.push(
      '<h2>Failure rate</h2><p><strong>No deploys in the window</strong>: there are no failure rates to show.</p>',
    );
  } else {
    body.push(...highlightsSection(insights), ...failureRateSections(insights));
  }
  body.push(...weeklySection(insights), ...mainBranchSection(insights), ...diagnosticsSection(insights));
  if (insights.deployList.length > 0) body.push('<h2>Deploys</h2>', deployTable(insights.deployList));
  body.push(
    `<footer>${insights.schemaVersion} · ${escapeHtml(insights.tool.name)} ${escapeHtml(insights.tool.version)} · the same numbers are in <code>--format json</code>.</footer>`,
  );

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Deploy insights — ${env}</title>
<style>${CSS}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
