import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderInsightsHtml } from '../../src/render/insights-html.js';
import { busyInsights, emptyInsights, rateRow } from '../helpers/insights-fixture.js';

/** The HTML report opened in a real browser (Debian's Chromium, headless, offline): does it render? */

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function chromiumAvailable(): boolean {
  const present = existsSync(CHROMIUM);
  const ci = process.env.CI;
  if (!present && ci !== undefined && ci !== '' && ci !== 'false')
    throw new Error(`CI must install chromium (${CHROMIUM}); see .ci/run.`);
  if (!present) console.warn(`skipping the HTML report browser test: ${CHROMIUM} is not installed`);
  return present;
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe.skipIf(!chromiumAvailable())('insights HTML in headless Chromium', () => {
  let dir: string;
  let context: BrowserContext;
  let page: Page;
  /** Every URL the page asked for: a self-contained report asks for nothing but itself. */
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  async function open(name: string, html: string): Promise<void> {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, html);
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'deployadvisor-insights-html-'));
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1000, height: 800 },
      offline: true,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  });

  afterAll(async () => {
    await context?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('renders every chart with bars, and a screenshot that is not blank', async () => {
    await open('busy', renderInsightsHtml(busyInsights()));

    // Locators, not page functions: the measuring happens in the browser, the typing stays in Node.
    const charts = [];
    for (const svg of await page.locator('svg').all()) {
      const box = await svg.boundingBox();
      const bars = [];
      for (const rect of await svg.locator('rect.bar').all())
        bars.push((await rect.boundingBox())?.height ?? 0);
      charts.push({
        chart: await svg.getAttribute('data-chart'),
        className: await svg.getAttribute('class'),
        role: await svg.getAttribute('role'),
        label: await svg.getAttribute('aria-label'),
        title: await svg.locator(':scope > title').textContent(),
        width: box?.width ?? 0,
        height: box?.height ?? 0,
        rects: await svg.locator('rect').count(),
        bars,
      });
    }
    expect(charts.map((c) => c.chart)).toEqual(['weekday', 'hour', 'zone', 'ai-share', 'weekly']);
    for (const chart of charts) {
      expect(chart.className).toBe('chart');
      expect(chart.role).toBe('img');
      expect(chart.label).toBeTruthy();
      expect(chart.title).toBe(chart.label);
      expect(chart.width, `${chart.chart} width`).toBeGreaterThan(300);
      expect(chart.height, `${chart.chart} height`).toBeGreaterThan(50);
      expect(chart.rects, `${chart.chart} rects`).toBeGreaterThan(0);
    }
    // Laid out, not just present: Friday's bar stands taller on screen than Monday's.
    const weekday = charts[0]?.bars ?? [];
    expect(weekday).toHaveLength(5);
    expect(weekday[4]).toBeGreaterThan((weekday[0] ?? 0) * 2);

    const shot = join(dir, 'insights.png');
    await page.screenshot({ path: shot, fullPage: true });
    const png = readFileSync(shot);
    const { width, height } = pngSize(png);
    expect(width).toBe(1000);
    expect(height).toBeGreaterThan(1500);
    expect(statSync(shot).size).toBeGreaterThan(5 * 1024);
    console.info(`insights screenshot: ${width}x${height}, ${png.length} bytes`);

    expect(
      requests.every((url) => url.startsWith('file://')),
      requests.join('\n'),
    ).toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  it('shows a hostile zone name as text and runs nothing', async () => {
    const insights = busyInsights();
    insights.failureRate.byZone.push(rateRow('<script>alert(1)</script>', 12, 2, 120, 13));
    insights.env = '<img src=x onerror="document.title=\'pwned\'">';
    await open('hostile', renderInsightsHtml(insights));

    expect(await page.title()).toBe(`Deploy insights — ${insights.env}`);
    expect(await page.locator('script, img').count()).toBe(0);
    const labels = await page.locator('svg[data-chart="zone"] text').allTextContents();
    expect(labels).toContain('<script>alert(1)</script>');
  });

  it('says there are no deploys for an empty window', async () => {
    await open('empty', renderInsightsHtml(emptyInsights()));
    expect(await page.locator('svg').count()).toBe(0);
    expect(await page.textContent('body')).toContain('No deploys in the window');
  });
});
