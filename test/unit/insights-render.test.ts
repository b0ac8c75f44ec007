import type { ErrorObject } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { Insights, RateRow } from '../../src/assess/insights-types.js';
import { escapeHtml, renderInsightsHtml } from '../../src/render/insights-html.js';
import { renderInsightsJson } from '../../src/render/insights-json.js';
import { renderInsightsMarkdown } from '../../src/render/insights-markdown.js';
import { rateLabel, sparkline } from '../../src/render/insights-format.js';
import { bar, renderInsightsText } from '../../src/render/insights-text.js';
import { PLAIN, visibleLength, type Style } from '../../src/render/style.js';
import { busyInsights, emptyInsights, rateRow } from '../helpers/insights-fixture.js';
import { outputSchema, schemaErrorsText, schemaValidator } from '../helpers/schemas.js';

/** ANSI colours, so the 80-column check also counts what a TTY would get. */
const COLOUR: Style = {
  bold: (t) => `\u001b[1m${t}\u001b[22m`,
  dim: (t) => `\u001b[2m${t}\u001b[22m`,
  red: (t) => `\u001b[31m${t}\u001b[39m`,
  yellow: (t) => `\u001b[33m${t}\u001b[39m`,
  green: (t) => `\u001b[32m${t}\u001b[39m`,
  cyan: (t) => `\u001b[36m${t}\u001b[39m`,
};

const HOSTILE = '<script>alert(1)</script>';

/** The busy fixture with a zone and an env that would break out of HTML and markdown if not escaped. */
function hostileInsights(): Insights {
  const insights = busyInsights();
  insights.env = '"><img src=x onerror=alert(2)>';
  insights.failureRate.byZone.push(rateRow(HOSTILE, 12, 2, 120, 13), rateRow('a|b', 5, 1, 120, 13));
  insights.failureRate.byZone.push(rateRow('platform/infrastructure/terraform-modules', 14, 1, 120, 13));
  const first = insights.deployList[0];
  if (first !== undefined) first.zones = [HOSTILE];
  return insights;
}

function row(insights: Insights, key: string): RateRow {
  const found = insights.failureRate.byWeekday.find((r) => r.key === key);
  if (found === undefined) throw new Error(`no weekday ${key}`);
  return found;
}

function expectNoBrokenNumbers(output: string): void {
  expect(output).not.toMatch(/NaN|Infinity|undefined|\[object /);
}

describe('shared formatting', () => {
  it.each([
    [0.29, 0.29, 24, '█'.repeat(24)],
    [0.5, 1, 12, '█'.repeat(12)],
    [1 / 16, 1, 2, '█▌'],
    [0.001, 1, 1, '▏'],
    [0, 1, 0, ''],
  ])('bar(%s of %s) takes %s characters', (rate, max, columns, expected) => {
    const drawn = bar(rate, max);
    expect(drawn).toBe(expected);
    expect(drawn.length).toBe(columns);
  });

  it('labels a rate as "failed/deploys rate [interval]", rounding each bound', () => {
    const fri = row(busyInsights(), 'fri');
    expect(fri.low).not.toBeNull();
    const low = Math.round((fri.low ?? 0) * 100);
    const high = Math.round((fri.high ?? 0) * 100);
    expect(rateLabel(fri)).toBe(`9/31 29% [${low}–${high}%]`);
    expect(rateLabel(row(busyInsights(), 'sat'))).toBe('no deploys');
  });

  it('draws a week without deploys as a blank and the busiest as a full block', () => {
    expect(sparkline([0, 1, 4, 8])).toBe(' ▁▄█');
    expect(sparkline([0, 0])).toBe('  ');
  });
});

describe('renderInsightsText', () => {
  const text = renderInsightsText(busyInsights(), PLAIN);

  it('fits 80 columns, with and without colour, even with long zone names', () => {
    for (const output of [
      text,
      renderInsightsText(hostileInsights(), COLOUR),
      renderInsightsText(emptyInsights(), COLOUR),
    ])
      for (const line of output.split('\n')) expect(visibleLength(line), line).toBeLessThanOrEqual(80);
  });

  it('names the env, the window and the counts first', () => {
    expect(text.split('\n').slice(0, 2)).toEqual([
      'Deploy insights — production',
      '  2026-01-05 → 2026-03-30 (12 weeks, UTC): 120 deploys, 13 failed',
    ]);
  });

  it('shows each DORA key with value, unit and band', () => {
    expect(text).toMatch(/Deployment frequency +10 per week +high/);
    expect(text).toMatch(/Lead time for changes +26\.4 hours +high/);
    expect(text).toMatch(/Change failure rate +11% of deploys +medium/);
    expect(text).toMatch(/Time to restore +3\.5 hours +elite/);
  });

  it('prints the highlight sentences, marking the one that could be chance', () => {
    expect(text).toContain('  - Friday deploys fail 6.5x as often: 9 of 31 vs 4.5 per 100 on other days.\n');
    expect(text).toMatch(/8 of 50 vs 7\.1 per 100\.\s+\(could be chance\)/);
  });

  it('draws longer bars for higher rates, and marks the rate that stands out with its ratio', () => {
    const barOf = (label: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`  ${label} `));
      if (line === undefined) throw new Error(`no bar line for ${label}`);
      return /[█▏▎▍▌▋▊▉]*/u.exec(line.slice(10))?.[0].length ?? 0;
    };
    expect(barOf('Fri')).toBe(24);
    expect(barOf('Fri')).toBeGreaterThan(barOf('Mon'));
    expect(barOf('Mon')).toBeGreaterThan(barOf('Tue'));
    expect(barOf('Thu')).toBe(0);
    expect(text).toContain('9/31 29% [16–47%] 6.5x [2.1–19.5]');
    expect(text).toContain('  Sat–Sun · no deploys');
    expect(text).toContain('  00–08   · no deploys');
    expect(barOf('17')).toBeGreaterThan(barOf('15'));
  });

  it('tabulates zones and AI share, and draws weekly deploys with failures marked', () => {
    expect(text).toMatch(/│ payments +│ 30 +│ 6 +│ 20% +│ \[10–37%\] +│ 2\.6x \[0\.9–7\.1\] +│/);
    expect(text).toMatch(/│ AI share ≥ 50% +│ 50 +│ 8 +│ 16% /);
    expect(text).toContain('  ▅▆▇▇█▅▇▇▆█▇▇\n  1·211·21·311\n');
    expect(text).toContain('70.8% success: 70 of 240 failed (CI runs)');
    expect(text).toMatch(/info {5}4 failures were found by reverts/);
  });

  it('says there are no deploys rather than drawing empty charts', () => {
    const empty = renderInsightsText(emptyInsights(), PLAIN);
    expect(empty).toContain('No deploys in the window');
    expect(empty).toMatch(/Change failure rate +n\/a +no band/);
    expect(empty).not.toContain('Failure rate by');
    expect(empty).not.toMatch(/[█▁]/);
    expectNoBrokenNumbers(empty);
    expectNoBrokenNumbers(text);
  });
});

describe('renderInsightsMarkdown', () => {
  const md = renderInsightsMarkdown(busyInsights());

  it('has a DORA table and the breakdowns as tables', () => {
    expect(md).toContain('| Key | Value | Band | How measured |\n|---|---:|---|---|\n');
    expect(md).toContain(
      '| Change failure rate | 11% of deploys | 🟡 medium | 13 of 120 deploys failed or were rolled back. |',
    );
    expect(md).toContain('| Fri | 31 | 9 | 29% | [16–47%] | 6.5x [2.1–19.5] |');
    expect(md).toContain('| 17:00 | 4 | 1 | 25% | [5–70%] | 2.4x [0.4–14.3] |');
    expect(md).toContain('| payments | 30 | 6 | 20% | [10–37%] | 2.6x [0.9–7.1] |');
    expect(md).toContain('| AI share &lt; 50% | 70 | 5 | 7% |');
    expect(md).toContain('`▅▆▇▇█▅▇▇▆█▇▇`');
  });

  it('lists the highlights', () => {
    expect(md).toContain(
      '### Highlights\n\n- Friday deploys fail 6.5x as often: 9 of 31 vs 4.5 per 100 on other days.\n',
    );
    expect(md).toContain('8 of 50 vs 7.1 per 100. _(could be chance)_');
  });

  it('keeps hostile names inside their cell and out of HTML', () => {
    const hostile = renderInsightsMarkdown(hostileInsights());
    expect(hostile).not.toContain('<script>');
    expect(hostile).not.toContain('<img');
    expect(hostile).toContain('| &lt;script&gt;alert(1)&lt;/script&gt; | 12 | 2 |');
    // Every row of every table has as many unescaped column breaks as its header.
    for (const table of hostile.split('\n\n').filter((block) => block.startsWith('| '))) {
      const lines = table.split('\n');
      const columns = (line: string) => line.replace(/\\\|/g, '').split('|').length;
      for (const line of lines) expect(columns(line), line).toBe(columns(lines[0] ?? ''));
    }
  });

  it('says there are no deploys for an empty window', () => {
    const empty = renderInsightsMarkdown(emptyInsights());
    expect(empty).toContain('_No deploys in the window');
    expect(empty).not.toContain('| Weekday |');
    expect(empty).toContain('- **warning** The ledger has no deploy records for staging.');
    expectNoBrokenNumbers(empty);
  });
});

describe('renderInsightsHtml', () => {
  const html = renderInsightsHtml(busyInsights());
  const svgs = html.match(/<svg\b[^>]*>/g) ?? [];

  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    [`"quoted" & 'single'`, '&quot;quoted&quot; &amp; &#39;single&#39;'],
    ['&amp;', '&amp;amp;'],
    ['plain ✓', 'plain ✓'],
  ])('escapeHtml(%j)', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });

  it('is one HTML5 document with five charts, each labelled for assistive technology', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(svgs).toHaveLength(5);
    const charts = svgs.map((tag) => /data-chart="([^"]+)"/.exec(tag)?.[1]);
    expect(charts).toEqual(['weekday', 'hour', 'zone', 'ai-share', 'weekly']);
    for (const tag of svgs) {
      expect(tag).toMatch(/class="chart"/);
      expect(tag).toMatch(/role="img"/);
      expect(tag).toMatch(/aria-label="[^"]+"/);
      expect(html).toContain(`${tag}<title>`);
    }
  });

  it('draws a bar per weekday with deploys, taller for a higher rate, with interval whiskers', () => {
    const weekday = /<svg[^>]*data-chart="weekday"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    const bars = [
      ...weekday.matchAll(/<rect class="bar( hot)?" x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"/g),
    ];
    expect(bars).toHaveLength(5);
    const heights = bars.map((match) => Number(match[2]));
    const [mon = 0, tue = 0, , thu = 0, fri = 0] = heights;
    expect(fri).toBeGreaterThan(mon);
    expect(mon).toBeGreaterThan(tue);
    expect(thu).toBe(0);
    expect(bars[4]?.[1]).toBe(' hot');
    expect(weekday.match(/class="whisker"/g)).toHaveLength(5);
    expect(weekday).toContain('<title>Fri: 9/31 29% [16–47%]; 6.5x [2.1–19.5] vs all other deploys</title>');
    const hour = /<svg[^>]*data-chart="hour"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    expect(hour.match(/<rect class="bar/g)).toHaveLength(8);
    const weekly = /<svg[^>]*data-chart="weekly"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    expect(weekly.match(/<rect class="fail"/g)).toHaveLength(12 + 1); // one per week plus the legend
  });

  it('shows DORA cards in their band colours', () => {
    expect(html).toMatch(
      /<section class="card band-medium"><h3>Change failure rate<\/h3><p class="value">11% /,
    );
    expect(html.match(/<section class="card band-/g)).toHaveLength(4);
    expect(html).toContain('.band-elite {');
  });

  it('references nothing outside the file', () => {
    const withoutNamespace = html.replaceAll('xmlns="http://www.w3.org/2000/svg"', '');
    expect(withoutNamespace).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|\bhref=|@import|url\(/i);
  });

  it('escapes every string from the data', () => {
    const hostile = renderInsightsHtml(hostileInsights());
    expect(hostile).not.toContain('<script');
    expect(hostile).not.toContain('<img');
    expect(hostile).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(hostile).toContain(
      '<title>Deploy insights — &quot;&gt;&lt;img src=x onerror=alert(2)&gt;</title>',
    );
    expect(hostile).toContain('>platform/infrastructure/t…</text>'); // long names are cut in the chart…
    expect(hostile).toContain('platform/infrastructure/terraform-modules: 1/14'); // …and whole in its title
  });

  it('is byte-identical for the same input', () => {
    expect(renderInsightsHtml(busyInsights())).toBe(html);
    expect(renderInsightsHtml(structuredClone(busyInsights()))).toBe(html);
    expect(renderInsightsText(busyInsights(), PLAIN)).toBe(renderInsightsText(busyInsights(), PLAIN));
    expect(renderInsightsMarkdown(busyInsights())).toBe(renderInsightsMarkdown(busyInsights()));
  });

  it('says there are no deploys for an empty window and draws no chart', () => {
    const empty = renderInsightsHtml(emptyInsights());
    expect(empty).toContain('<strong>No deploys in the window</strong>');
    expect(empty).not.toContain('<svg');
    expectNoBrokenNumbers(empty);
    expectNoBrokenNumbers(html);
  });
});

describe('renderInsightsJson and docs/insights.schema.json', () => {
  interface SchemaNode {
    properties?: Record<string, SchemaNode>;
    required?: string[];
    items?: SchemaNode;
    $defs?: Record<string, SchemaNode>;
  }
  const schema = outputSchema('insights') as SchemaNode;
  const validate = schemaValidator('insights');
  const explain = (errors: ErrorObject[] | null | undefined) => schemaErrorsText(errors);

  it('prints the object with two-space indent and a final newline', () => {
    const json = renderInsightsJson(busyInsights());
    expect(json.endsWith('}\n')).toBe(true);
    expect(json.split('\n')[1]).toBe('  "schemaVersion": "deployadvisor.insights/1",');
    expect(JSON.parse(json)).toEqual(busyInsights());
  });

  it.each([
    ['busy', busyInsights],
    ['empty', emptyInsights],
    ['hostile', hostileInsights],
  ])('validates the %s fixture, as printed', (_name, build) => {
    const parsed: unknown = JSON.parse(renderInsightsJson(build()));
    expect(validate(parsed), explain(validate.errors)).toBe(true);
  });

  it('rejects what the type does not allow', () => {
    const bad = JSON.parse(renderInsightsJson(busyInsights())) as Record<string, unknown> & Insights;
    bad.dora.changeFailureRate.band = 'great' as never;
    (bad as unknown as Record<string, unknown>).extra = 1;
    const fri = bad.failureRate.byWeekday[4];
    if (fri !== undefined) fri.rate = 1.5;
    expect(validate(bad)).toBe(false);
    const paths = (validate.errors ?? []).map((e) => e.instancePath);
    expect(paths).toContain('/dora/changeFailureRate/band');
    expect(paths).toContain('/failureRate/byWeekday/4/rate');
    expect(validate.errors?.some((e) => e.keyword === 'additionalProperties')).toBe(true);
  });

  it('requires exactly the fields the type has', () => {
    const sample = busyInsights();
    const keys = (value: object) => Object.keys(value).sort();
    const defs = schema.$defs ?? {};
    expect([...(schema.required ?? [])].sort()).toEqual(keys(sample));
    expect([...(defs.rateRow?.required ?? [])].sort()).toEqual(keys(sample.failureRate.byWeekday[0] ?? {}));
    expect([...(defs.doraKey?.required ?? [])].sort()).toEqual(keys(sample.dora.leadTimeHours));
    const deployRow = schema.properties?.deployList?.items;
    expect([...(deployRow?.required ?? [])].sort()).toEqual(keys(sample.deployList[0] ?? {}));
  });
});
