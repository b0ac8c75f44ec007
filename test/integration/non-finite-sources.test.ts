import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { spawnPlanJson } from '../helpers/run.js';
import { liveServersAvailable, startPrometheus, type LiveServer } from '../helpers/servers.js';

/**
 * +Inf, -Inf and NaN from a metric source are breaches, never "within threshold" and never silently
 * dropped: against the real Prometheus on loopback, and JSON endpoints (http-json, a Datadog-shaped
 * answer) served on loopback. Each source says onNoData/onError: ignore, so a value dropped as "no
 * data" or "unreadable" would let the plan through as GO.
 */
describe.skipIf(!liveServersAvailable())('non-finite metric values', () => {
  let prometheus: LiveServer;
  let json: Server;
  let jsonUrl: string;
  let repo: TestRepo;

  beforeAll(async () => {
    json = createServer((req, res) => {
      const bodies: Record<string, string> = {
        '/inf-string': '{"p99": "+Inf"}',
        '/huge': '{"p99": 1e999}',
        '/nan-string': '{"p99": "NaN"}',
        '/ok': '{"p99": 0.1}',
        // Datadog: the newest point is too large for a double; an older one is healthy.
        '/api/v1/query': '{"status":"ok","series":[{"scope":"service:web","pointlist":[[1,0.1],[2,1e999]]}]}',
      };
      const body = bodies[(req.url ?? '').split('?')[0] ?? ''];
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
      res.end(body ?? '{}');
    });
    await new Promise<void>((resolve) => json.listen(0, '127.0.0.1', resolve));
    jsonUrl = `http://127.0.0.1:${(json.address() as AddressInfo).port}`;
    prometheus = await startPrometheus([]);
    repo = makeRepo('da-nonfinite-');
    repo.writeLines('src/app.ts', 20);
    repo.commit('initial');
    repo.write('README.md', '# docs only\n');
    repo.commit('docs');
  }, 60_000);

  afterAll(async () => {
    repo?.cleanup();
    await prometheus?.stop();
    await new Promise((resolve) => json?.close(resolve));
  });

  function planWith(metric: string, env: Record<string, string> = {}) {
    repo.write(
      '.deployadvisor.yml',
      `timezone: UTC\nsources:\n  metrics:\n    - { name: m, onNoData: ignore, onError: ignore, ${metric} }\n`,
    );
    return spawnPlanJson(repo.dir, ['--from', 'HEAD~1'], env);
  }

  const prom = (query: string, threshold = 'max: 0.5') =>
    `provider: prometheus, url: "${prometheus.url}", query: '${query}', ${threshold}`;

  it.each([
    ['vector(+Inf)', 'max: 0.5', '+Inf'],
    ['vector(NaN)', 'max: 0.5', 'NaN'],
    ['vector(-Inf)', 'min: 1', '-Inf'],
    // Only the NaN series could breach: it is not dropped in favour of the healthy one.
    [
      'label_replace(vector(0.1), "s", "a", "", "") or label_replace(vector(NaN), "s", "b", "", "")',
      'max: 0.5',
      'NaN',
    ],
    // histogram_quantile answers NaN for a histogram with fewer than two buckets.
    ['histogram_quantile(0.99, label_replace(vector(10), "le", "+Inf", "", ""))', 'max: 0.5', 'NaN'],
  ])('prometheus %s is a breach of %s: WAIT', async (query, threshold, shown) => {
    const { plan, code } = await planWith(prom(query, threshold));
    expect(plan.verdict).toBe('WAIT');
    expect(code).toBe(3);
    expect(plan.sources[0]).toMatchObject({ status: 'ok', value: shown });
    expect(plan.sources[0]?.reason).toContain(`${shown} is not a finite number`);
    expect(plan.gates.map((g) => g.id)).toEqual(['source-unhealthy']);
  });

  it('nonFinite: ignore leaves them out: only +Inf is no data, and a healthy series beside it is judged', async () => {
    const alone = await planWith(`${prom('vector(+Inf)')}, nonFinite: ignore`);
    expect(alone.plan.sources[0]).toMatchObject({ status: 'degraded', value: null });
    expect(alone.plan.verdict).toBe('GO');
    const mixed = await planWith(
      `${prom('label_replace(vector(0.1), "s", "a", "", "") or label_replace(vector(+Inf), "s", "b", "", "")')}, nonFinite: ignore`,
    );
    expect(mixed.plan.sources[0]).toMatchObject({ status: 'ok', value: '0.1' });
  });

  it.each([
    ['/inf-string', '+Inf'],
    ['/huge', '+Inf'],
    ['/nan-string', 'NaN'],
  ])('http-json %s is a breach: WAIT', async (path, shown) => {
    const { plan, code } = await planWith(
      `provider: http-json, url: "${jsonUrl}${path}", query: $.p99, max: 0.5`,
    );
    expect([plan.verdict, code]).toEqual(['WAIT', 3]);
    expect(plan.sources[0]?.value).toBe(shown);
  });

  it('http-json with a finite healthy value stays GO', async () => {
    const { plan, code } = await planWith(
      `provider: http-json, url: "${jsonUrl}/ok", query: $.p99, max: 0.5`,
    );
    expect([plan.verdict, code]).toEqual(['GO', 0]);
  });

  it('datadog: a non-finite newest point is a breach, not replaced by an older healthy one', async () => {
    const { plan, code } = await planWith(
      `provider: datadog, url: "${jsonUrl}", query: "avg:latency{*}", max: 0.5, tokenEnv: DD_API_KEY`,
      { DD_API_KEY: 'x' },
    );
    expect([plan.verdict, code]).toEqual(['WAIT', 3]);
    expect(plan.sources[0]?.value).toBe('+Inf');
  });
});
