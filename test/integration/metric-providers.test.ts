import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockAgent } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collectSources } from '../../src/collect/sources/index.js';
import { sourcesSchema } from '../../src/config/sources-schema.js';

/**
 * The datadog metric provider against undici MockAgent replies shaped after Datadog's documented
 * `GET /api/v1/query` response, and the http-json provider against a real node:http server.
 */

const policyOf = (raw: unknown) => sourcesSchema.parse(raw);
const byName = (facts: Awaited<ReturnType<typeof collectSources>>) =>
  Object.fromEntries(facts.map((f) => [f.name, f]));

/** One series as Datadog documents it (docs.datadoghq.com/api/latest/metrics/#query-timeseries-points). */
function series(scope: string, points: Array<[number, number | null]>) {
  return {
    aggr: 'avg',
    attributes: {},
    display_name: 'trace.http.request.errors',
    end: 1_700_000_300_000,
    expression: `avg:trace.http.request.errors{${scope}}`,
    interval: 20,
    length: points.length,
    metric: 'trace.http.request.errors',
    pointlist: points,
    query_index: 0,
    scope,
    start: 1_700_000_000_000,
    tag_set: [scope],
    unit: null,
  };
}

function documented(seriesList: unknown[]) {
  return {
    status: 'ok',
    res_type: 'time_series',
    resp_version: 1,
    query: 'avg:trace.http.request.errors{*} by {service}',
    from_date: 1_700_000_000_000,
    to_date: 1_700_000_300_000,
    series: seriesList,
    values: [],
    times: [],
    message: '',
    group_by: ['service'],
  };
}

describe('datadog metric provider (MockAgent)', () => {
  let agent: MockAgent;
  const seen: Array<{ path: string; headers: Record<string, string> }> = [];

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    seen.length = 0;
  });
  afterEach(async () => {
    await agent.close();
  });

  function reply(origin: string, query: string, status: number, body: unknown) {
    agent
      .get(origin)
      .intercept({
        path: (path) =>
          path.startsWith('/api/v1/query?') && new URL(path, origin).searchParams.get('query') === query,
        method: 'GET',
      })
      .reply((options) => {
        const headers: Record<string, string> = {};
        for (const [key, value] of Object.entries(options.headers as Record<string, string>))
          headers[key.toLowerCase()] = value;
        seen.push({ path: options.path, headers });
        return {
          statusCode: status,
          data: JSON.stringify(body),
          responseOptions: { headers: { 'content-type': 'application/json' } },
        };
      });
  }

  it('reads the last non-null point of the worst series, with the API and application keys', async () => {
    reply(
      'https://api.datadoghq.com',
      'errors',
      200,
      documented([
        series('service:web', [
          [1_700_000_000_000, 0.01],
          [1_700_000_020_000, 0.05],
          [1_700_000_040_000, null],
        ]),
        series('service:api', [
          [1_700_000_000_000, 0.2],
          [1_700_000_020_000, 0.03],
        ]),
        series('service:idle', [[1_700_000_000_000, null]]),
      ]),
    );
    reply(
      'https://api.datadoghq.eu',
      'apdex',
      200,
      documented([
        series('service:web', [[1, 0.97]]),
        series('service:api', [
          [1, 0.81],
          [2, 0.9],
        ]),
      ]),
    );
    const before = Math.floor(Date.now() / 1000);
    const facts = await collectSources(
      policyOf({
        metrics: [
          {
            name: 'errors',
            provider: 'datadog',
            query: 'errors',
            max: 0.04,
            tokenEnv: 'DD_KEY',
            appKeyEnv: 'DD_APP',
          },
          {
            name: 'apdex',
            provider: 'datadog',
            url: 'https://api.datadoghq.eu/',
            query: 'apdex',
            min: 0.85,
            tokenEnv: 'DD_KEY',
          },
        ],
      }),
      { env: { DD_KEY: 'api-123', DD_APP: 'app-456' }, offline: false, dispatcher: agent },
    );
    const result = byName(facts);
    // max: the highest of each series' last non-null value (web 0.05 beats api 0.03; idle has none).
    expect(result.errors?.outcome).toEqual({
      status: 'metric',
      value: 0.05,
      detail: 'worst of 2 series: service:web',
    });
    // min: the lowest.
    expect(result.apdex?.outcome).toEqual({
      status: 'metric',
      value: 0.9,
      detail: 'worst of 2 series: service:api',
    });
    expect(result.errors?.latencyMs).toEqual(expect.any(Number));
    const errorsCall = seen.find((call) => call.path.includes('query=errors'));
    expect(errorsCall?.headers['dd-api-key']).toBe('api-123');
    expect(errorsCall?.headers['dd-application-key']).toBe('app-456');
    const params = new URL(errorsCall?.path ?? '', 'https://x').searchParams;
    const to = Number(params.get('to'));
    expect(to).toBeGreaterThanOrEqual(before);
    expect(Number(params.get('from'))).toBe(to - 300);
    const apdexCall = seen.find((call) => call.path.includes('query=apdex'));
    expect(apdexCall?.headers['dd-api-key']).toBe('api-123');
    expect(apdexCall?.headers['dd-application-key']).toBeUndefined();
    expect(apdexCall?.headers.authorization).toBeUndefined();
  });

  it('no series or no points is no data; status error and HTTP errors are unavailable; a missing key is never asked', async () => {
    const origin = 'https://api.datadoghq.com';
    reply(origin, 'none', 200, documented([]));
    reply(
      origin,
      'nulls',
      200,
      documented([
        series('service:web', [
          [1, null],
          [2, null],
        ]),
        series('service:api', []),
      ]),
    );
    reply(origin, 'bad', 200, {
      status: 'error',
      res_type: 'time_series',
      series: [],
      error: "Error parsing query: unable to parse avg:foo{: Rule 'scope_expr' didn't match",
    });
    reply(origin, 'forbidden', 403, { errors: ['Forbidden'] });
    const facts = await collectSources(
      policyOf({
        metrics: [
          { name: 'none', provider: 'datadog', query: 'none', max: 1, tokenEnv: 'DD_KEY' },
          { name: 'nulls', provider: 'datadog', query: 'nulls', max: 1, tokenEnv: 'DD_KEY' },
          { name: 'bad', provider: 'datadog', query: 'bad', max: 1, tokenEnv: 'DD_KEY' },
          { name: 'forbidden', provider: 'datadog', query: 'forbidden', max: 1, tokenEnv: 'DD_KEY' },
          { name: 'no-key', provider: 'datadog', query: 'x', max: 1, tokenEnv: 'DD_UNSET' },
          {
            name: 'no-app-key',
            provider: 'datadog',
            query: 'x',
            max: 1,
            tokenEnv: 'DD_KEY',
            appKeyEnv: 'DD_APP_UNSET',
          },
        ],
      }),
      { env: { DD_KEY: 'api-123' }, offline: false, dispatcher: agent },
    );
    const result = byName(facts);
    expect(result.none?.outcome).toEqual({
      status: 'no-data',
      reason: 'the query returned no series in the last 5 minutes',
    });
    expect(result.nulls?.outcome).toEqual({
      status: 'no-data',
      reason: 'the query returned no points in the last 5 minutes',
    });
    expect(result.bad?.outcome).toEqual({
      status: 'unavailable',
      reason:
        "Datadog rejected the query: Error parsing query: unable to parse avg:foo{: Rule 'scope_expr' didn't match",
    });
    expect(result.forbidden?.outcome).toEqual({
      status: 'unavailable',
      reason: 'https://api.datadoghq.com/api/v1/query answered HTTP 403',
    });
    expect(result['no-key']?.outcome).toEqual({
      status: 'unavailable',
      reason: 'environment variable DD_UNSET (tokenEnv) is not set',
    });
    expect(result['no-app-key']?.outcome).toEqual({
      status: 'unavailable',
      reason: 'environment variable DD_APP_UNSET (appKeyEnv) is not set',
    });
    expect(seen.map((call) => new URL(call.path, origin).searchParams.get('query')).sort()).toEqual([
      'bad',
      'forbidden',
      'none',
      'nulls',
    ]);
  });

  it('the schema: datadog needs tokenEnv and defaults its url; the others need a url; appKeyEnv is datadog only', () => {
    const issues = (metric: Record<string, unknown>) => {
      const parsed = sourcesSchema.safeParse({ metrics: [{ name: 'm', max: 1, query: '$.x', ...metric }] });
      return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues({ provider: 'datadog', tokenEnv: 'DD_KEY' })).toEqual([]);
    expect(issues({ provider: 'datadog' })).toEqual([
      'metrics.0.tokenEnv: the datadog source needs tokenEnv: the environment variable holding the API key',
    ]);
    expect(issues({ provider: 'prometheus' })).toEqual(['metrics.0.url: the prometheus source needs a url']);
    expect(issues({ provider: 'http-json', url: 'http://x', appKeyEnv: 'K' })).toEqual([
      'metrics.0.appKeyEnv: appKeyEnv is for the datadog source only',
    ]);
    expect(issues({ provider: 'http-json', url: 'http://x', query: 'data.x' })).toEqual([
      'metrics.0.query: JSON path "data.x": it must start with $ at character 1; expected a path such as $.data.items[0].value',
    ]);
  });
});

describe('http-json metric provider (a real node:http server)', () => {
  let server: Server;
  let base: string;
  const requests: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  const bodies: Record<string, { status: number; body: string }> = {
    '/health': {
      status: 200,
      body: JSON.stringify({ data: { errorRate: 0.031, series: [{ p99: '412.5' }] } }),
    },
    '/nulls': { status: 200, body: JSON.stringify({ data: { errorRate: null, label: 'high', flag: true } }) },
    '/text': { status: 200, body: 'not json' },
    '/down': { status: 503, body: '{}' },
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({ url: req.url ?? '', headers: req.headers });
      const answer = bodies[new URL(req.url ?? '/', 'http://x').pathname] ?? { status: 404, body: '{}' };
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads a number or numeric string at the path; missing or null is no data; the rest is unavailable', async () => {
    const facts = await collectSources(
      policyOf({
        metrics: [
          {
            name: 'rate',
            provider: 'http-json',
            url: `${base}/health?env=prod`,
            query: '$.data.errorRate',
            max: 0.02,
            tokenEnv: 'STATUS_TOKEN',
          },
          {
            name: 'p99',
            provider: 'http-json',
            url: `${base}/health`,
            query: "$.data.series[0]['p99']",
            max: 500,
          },
          {
            name: 'missing',
            provider: 'http-json',
            url: `${base}/health`,
            query: '$.data.series[3].p99',
            max: 1,
          },
          { name: 'null', provider: 'http-json', url: `${base}/nulls`, query: '$.data.errorRate', max: 1 },
          { name: 'word', provider: 'http-json', url: `${base}/nulls`, query: '$.data.label', max: 1 },
          { name: 'bool', provider: 'http-json', url: `${base}/nulls`, query: '$.data.flag', max: 1 },
          { name: 'object', provider: 'http-json', url: `${base}/nulls`, query: '$.data', max: 1 },
          { name: 'text', provider: 'http-json', url: `${base}/text`, query: '$.x', max: 1 },
          { name: 'down', provider: 'http-json', url: `${base}/down`, query: '$.x', max: 1, timeoutMs: 1000 },
        ],
      }),
      { env: { STATUS_TOKEN: 'tok-789' }, offline: false },
    );
    const result = byName(facts);
    expect(result.rate?.outcome).toEqual({ status: 'metric', value: 0.031, detail: '' });
    expect(result.p99?.outcome).toEqual({ status: 'metric', value: 412.5, detail: '' });
    expect(result.missing?.outcome).toEqual({
      status: 'no-data',
      reason: 'the response has no $.data.series[3]',
    });
    expect(result.null?.outcome).toEqual({ status: 'no-data', reason: '$.data.errorRate is null' });
    expect(result.word?.outcome).toEqual({
      status: 'unavailable',
      reason: '$.data.label is "high", not a number',
    });
    expect(result.bool?.outcome).toEqual({
      status: 'unavailable',
      reason: '$.data.flag is true, not a number',
    });
    expect(result.object?.outcome).toMatchObject({
      status: 'unavailable',
      reason: expect.stringMatching(/^\$\.data is \{.*, not a number$/) as unknown,
    });
    expect(result.text?.outcome).toEqual({
      status: 'unavailable',
      reason: `${base}/text answered 200 with a body that is not JSON`,
    });
    expect(result.down?.outcome).toMatchObject({
      status: 'unavailable',
      reason: expect.stringContaining('HTTP 503') as unknown,
    });
    expect(result.rate?.query).toBe('$.data.errorRate');
    const withToken = requests.filter((r) => r.headers.authorization !== undefined);
    expect(withToken.map((r) => [r.url, r.headers.authorization])).toEqual([
      ['/health?env=prod', 'Bearer tok-789'],
    ]);
  });
});
