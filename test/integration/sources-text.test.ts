import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

/**
 * A source gate that fires names its source and its whole query in the verdict text, and the text
 * report's Sources table wraps long names and queries instead of cutting them ("prometheus_build_…").
 */

const NAME = 'prometheus_build_pipeline_error_ratio_production_eu_west';
const KEY = 'build_pipeline_error_ratio_for_the_last_fifteen_minutes_excluding_retries';
const QUERY = `$.metrics.${KEY}`;

/** The cells of one column of a cli-table3 table in `text`, joined: what a reader sees of it. */
function column(text: string, header: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.includes(`│ ${header}`));
  const index = (lines[start] ?? '').split('│').findIndex((cell) => cell.trim() === header);
  const cells: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('│')) break;
    cells.push((line.split('│')[index] ?? '').trim());
  }
  return cells.join('');
}

describe('source names and queries in the text report', () => {
  let repo: TestRepo;
  let server: Server;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ metrics: { [KEY]: 0.07 } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    repo = makeRepo();
    repo.write(
      '.deployadvisor.yml',
      [
        'version: 1',
        'sources:',
        '  metrics:',
        `    - name: ${NAME}`,
        '      provider: http-json',
        `      url: http://127.0.0.1:${port}/health`,
        `      query: "${QUERY}"`,
        '      max: 0.05',
        '',
      ].join('\n'),
    );
    repo.write('README.md', 'hello\n');
    repo.commit('initial');
  });
  afterAll(async () => {
    repo.cleanup();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('the firing gate names the source and the full query, and the table shows both whole', async () => {
    const result = await runCli(['--repo', repo.dir, 'plan', '--now', '2026-11-23T10:00:00Z']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(3);
    const [headline = '', ...rest] = result.stdout.split('\n');
    expect(headline).toMatch(/^WAIT {2}deploy/);
    // The summary is word-wrapped: its lines up to the first blank one, joined again.
    const summary = rest.slice(0, rest.indexOf('')).join(' ');
    const reason = `0.07 is above max 0.05 (query ${QUERY}); deploys wait until it recovers.`;
    expect(summary).toContain(`Unhealthy production: ${NAME}: ${reason}`);
    // The Gates section, word-wrapped too.
    expect(result.stdout.replace(/\s+/g, ' ')).toContain(`WAIT Unhealthy production: ${NAME}: ${reason}`);
    expect(result.stdout).not.toContain('…');
    expect(column(result.stdout, 'Source')).toBe(NAME);
    expect(column(result.stdout, 'Query')).toBe(QUERY);
  });

  it('json keeps the same reason', async () => {
    const result = await runCli([
      '--repo',
      repo.dir,
      '--format',
      'json',
      'plan',
      '--now',
      '2026-11-23T10:00:00Z',
    ]);
    const plan = JSON.parse(result.stdout) as { gates: Array<{ id: string; reason: string }> };
    expect(plan.gates).toContainEqual(
      expect.objectContaining({
        id: 'source-unhealthy',
        reason: `0.07 is above max 0.05 (query ${QUERY}); deploys wait until it recovers.`,
      }),
    );
  });
});

describe('a required source that was not asked', () => {
  let repo: TestRepo;
  beforeAll(() => {
    repo = makeRepo();
    repo.write(
      '.deployadvisor.yml',
      [
        'version: 1',
        'sources:',
        '  metrics:',
        `    - name: ${NAME}`,
        '      provider: http-json',
        '      url: http://127.0.0.1:9/health',
        `      query: "${QUERY}"`,
        '      max: 0.05',
        '      required: true',
        '',
      ].join('\n'),
    );
    repo.write('README.md', 'hello\n');
    repo.commit('initial');
  });
  afterAll(() => {
    repo.cleanup();
  });

  it('INCONCLUSIVE names the source and its query in the verdict text', async () => {
    const result = await runCli(['--repo', repo.dir, 'plan', '--offline', '--now', '2026-11-23T10:00:00Z']);
    expect(result.code).toBe(5);
    const [headline = '', ...rest] = result.stdout.split('\n');
    expect(headline).toMatch(/^INCONCLUSIVE {2}deploy/);
    const summary = rest.slice(0, rest.indexOf('')).join(' ');
    expect(summary).toContain(
      `Required evidence is missing: Required source ${NAME} not asked (--offline: not asked (query ${QUERY}); it is required).`,
    );
  });
});
