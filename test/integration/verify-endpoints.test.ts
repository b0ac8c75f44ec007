import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyResult } from '../../src/assess/verify-types.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';
import { schemaErrorsText, schemaValidator } from '../helpers/schemas.js';

const validate = schemaValidator('verify');

/**
 * `verify` against local servers: Datadog's `GET /api/v1/query` shaped after its documented response
 * (docs.datadoghq.com/api/latest/metrics/#query-timeseries-points), and a Prometheus stand-in that
 * answers hostile things (rejections with control characters, wrong result types, HTML, NaN), plus
 * policies and requests that are wrong. Each must end in a clean verdict or a named error, never a crash.
 */

const STARTED = '2026-11-18T10:00:00Z';
const S = Date.parse(STARTED);
const AFTER_CLOSE = '2026-11-18T10:45:00Z';
const ESC = '\u001b';

/** The error rate the stand-ins serve: 1% before the deploy, 3% after, a little noise. */
const rate = (ms: number, i: number) => (ms >= S ? 0.03 : 0.01) + (i % 4) * 0.0001;

function datadogBody(from: number, to: number) {
  const pointlist: Array<[number, number | null]> = [];
  // Datadog rounds the window out to its interval: one point before `from`, a null gap.
  for (let t = from - 60, i = 0; t <= to; t += 60, i += 1)
    pointlist.push([t * 1000, i === 3 ? null : rate(t * 1000, i)]);
  return {
    status: 'ok',
    res_type: 'time_series',
    resp_version: 1,
    query: 'avg:trace.http.request.errors{env:prod}',
    from_date: from * 1000,
    to_date: to * 1000,
    series: [
      {
        aggr: 'avg',
        display_name: 'trace.http.request.errors',
        expression: 'avg:trace.http.request.errors{env:prod}',
        interval: 60,
        length: pointlist.length,
        metric: 'trace.http.request.errors',
        pointlist,
        scope: 'env:prod',
        tag_set: [],
        unit: null,
      },
    ],
    values: [],
    times: [],
    message: '',
    group_by: [],
  };
}

function promMatrix(start: number, end: number, step: number, value: (ms: number, i: number) => string) {
  const values: Array<[number, string]> = [];
  for (let t = start, i = 0; t <= end; t += step, i += 1) values.push([t, value(t * 1000, i)]);
  return { status: 'success', data: { resultType: 'matrix', result: [{ metric: { job: 'app' }, values }] } };
}

const HOSTILE_TEXT = `${ESC}[31mparse error\n::error::forged\u202eevil`;

describe('verify against local Datadog and hostile Prometheus stand-ins', () => {
  let server: Server;
  let url: string;
  let repo: TestRepo;
  const seen: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const at = new URL(req.url ?? '/', 'http://x');
      const send = (status: number, body: unknown, type = 'application/json'): true => {
        res.writeHead(status, { 'content-type': type });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
        return true;
      };
      if (at.pathname === '/dd/api/v1/query') {
        seen.push(req.headers);
        return send(200, datadogBody(Number(at.searchParams.get('from')), Number(at.searchParams.get('to'))));
      }
      const query = at.searchParams.get('query') ?? '';
      const [start, end] = [Number(at.searchParams.get('start')), Number(at.searchParams.get('end'))];
      const step = Number.parseInt(at.searchParams.get('step') ?? '60', 10);
      if (query === 'errors')
        return send(
          200,
          promMatrix(start, end, step, (ms, i) => String(rate(ms, i))),
        );
      if (query === 'nan') {
        return send(
          200,
          promMatrix(start, end, step, (ms, i) =>
            i % 3 === 0 ? 'NaN' : i % 3 === 1 ? '+Inf' : String(rate(ms, i)),
          ),
        );
      }
      if (query === 'reject')
        return send(400, { status: 'error', errorType: 'bad_data', error: HOSTILE_TEXT });
      if (query === 'vector')
        return send(200, { status: 'success', data: { resultType: 'vector', result: [] } });
      if (query === 'malformed') {
        return send(200, { status: 'success', data: { resultType: 'matrix', result: [{ values: 'nope' }] } });
      }
      if (query === 'html') return send(200, '<html><body>login</body></html>', 'text/html');
      return send(404, 'not found', 'text/plain');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    repo = makeRepo('da-verify-ep-');
    repo.write('app.txt', 'v1\n');
    repo.commit('first');
    const started = await runCli(['--repo', repo.dir, 'record', 'started', '--at', STARTED]);
    expect(started.code, started.stderr).toBe(0);
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    repo?.cleanup();
  });

  const policy = (metrics: string, verify = '') =>
    `version: 1\nenvironments:\n  production: { deployMinutes: 10 }\nsources:\n  timeoutMs: 3000\n  metrics:\n${metrics}verify:\n  windowMinutes: 30\n${verify}`;
  const prom = (name: string, query: string, more = '') =>
    `    - { name: ${name}, provider: prometheus, url: "${url}", query: "${query}", max: 0.05${more} }\n`;

  async function verify(
    config: string,
    args: string[] = [],
    env: Record<string, string> = {},
    format = 'json',
  ) {
    repo.write('.deployadvisor.yml', config);
    const run = await runCli(
      ['--repo', repo.dir, '--format', format, 'verify', '--now', AFTER_CLOSE, ...args],
      { env },
    );
    const result = format === 'json' && run.stdout !== '' ? (JSON.parse(run.stdout) as VerifyResult) : null;
    // Every JSON answer, whatever its verdict, matches docs/verify.schema.json.
    if (result !== null) expect(validate(result), schemaErrorsText(validate.errors)).toBe(true);
    return { ...run, result };
  }

  it('datadog: the documented response, keys from the named variables, points outside the window left out', async () => {
    const config = policy(
      '    - { name: dd-errors, provider: datadog, url: "' +
        url +
        '/dd", query: "avg:trace.http.request.errors{env:prod}", max: 0.05, tokenEnv: DD_API_KEY, appKeyEnv: DD_APP_KEY }\n',
    );
    const { code, result, stderr } = await verify(config, [], { DD_API_KEY: 'api-1', DD_APP_KEY: 'app-1' });
    expect(code, stderr).toBe(4);
    expect(result?.metrics[0]).toMatchObject({ name: 'dd-errors', provider: 'datadog', status: 'high' });
    // 31 points per window from the server, one before `from` dropped, one null dropped.
    expect(result?.metrics[0]?.samples).toEqual({ baseline: 30, after: 30 });
    expect(result?.metrics[0]?.median.baseline).toBeCloseTo(0.01015, 6);
    expect(seen.at(-1)).toMatchObject({ 'dd-api-key': 'api-1', 'dd-application-key': 'app-1' });
    const missing = await verify(config);
    expect(missing.code).toBe(5);
    expect(missing.result?.metrics[0]?.summary).toBe('environment variable DD_API_KEY (tokenEnv) is not set');
  });

  it('NaN and +Inf samples are left out, the rest judged', async () => {
    const { result } = await verify(policy(prom('nan', 'nan')));
    expect(result?.metrics[0]?.samples).toEqual({ baseline: 10, after: 10 });
    expect(result?.metrics[0]?.status).toBe('high');
  });

  it.each([
    ['reject', `/api/v1/query_range answered HTTP 400: ${ESC}[31mparse error ::error::forged\u202eevil`],
    ['vector', /^the range query returned a vector; expected a matrix$/],
    ['malformed', /^Prometheus answered a malformed series$/],
    ['html', /127\.0\.0\.1/],
  ])(
    'a Prometheus that answers %s is unavailable, INCONCLUSIVE under onError inconclusive',
    async (query, reason) => {
      const { code, result } = await verify(policy(prom('p', query, ', onError: inconclusive')));
      expect(code).toBe(5);
      expect(result?.metrics[0]?.status).toBe('unavailable');
      if (typeof reason === 'string') expect(result?.metrics[0]?.summary).toBe(`${url}${reason}`);
      else expect(result?.metrics[0]?.summary).toMatch(reason);
    },
  );

  it('server text and metric names reach text, markdown and github only escaped', async () => {
    const hostileName = `"e${ESC}[2Jrr\\u202Eors\\n::error::x"`;
    const config = policy(
      `    - { name: ${hostileName.replace(ESC, '\\e')}, provider: prometheus, url: "${url}", query: reject, max: 0.05, onError: inconclusive }\n`,
    );
    for (const format of ['text', 'markdown', 'github']) {
      const run = await verify(config, [], {}, format);
      // Shown, escaped: a reader sees what the policy and the server said.
      expect(run.stdout).toContain(
        format === 'markdown' ? 'e\\\\x1B\\[2Jrr' : 'e\\x1B[2Jrr\\u202Eors\\n::error::x',
      );
      expect(run.code, run.stderr).toBe(5);
      expect(run.stdout).not.toContain(ESC);
      expect(run.stdout).not.toContain('\u202e');
      expect(run.stdout).not.toMatch(/^::error::/m);
    }
  });

  it.each([
    [
      'an unknown source',
      () => policy(prom('p', 'errors'), '  metrics:\n    - { source: nope }\n'),
      /verify\.metrics\[0\]\.source: "nope" is not a metric in sources\.metrics; expected one of: p\./,
    ],
    [
      'an http-json source',
      () =>
        policy(
          `    - { name: j, provider: http-json, url: "${url}/j", query: $.x, max: 1 }\n`,
          '  metrics:\n    - { source: j }\n',
        ),
      /verify\.metrics\[0\]\.source: "j" is an http-json source; verify needs a prometheus or datadog metric/,
    ],
    [
      'no metric at all',
      () => policy(`    - { name: j, provider: http-json, url: "${url}/j", query: $.x, max: 1 }\n`),
      /no metric to verify/,
    ],
    ['a typo in verify', () => policy(prom('p', 'errors'), '  windowMinute: 5\n'), /windowMinute/],
    [
      'a baseline that is no duration',
      () => policy(prom('p', 'errors'), '  baseline: yesterday\n'),
      /expected "before", or a duration back such as 24h, 7d or 1w/,
    ],
  ])('%s is a configuration error (exit 2) naming the key', async (_name, config, message) => {
    const run = await verify(config());
    expect(run.code, run.stdout).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('no started record, or a --sha that is no commit, is a usage error (exit 2)', async () => {
    repo.write('.deployadvisor.yml', policy(prom('p', 'errors')));
    const early = await runCli(['--repo', repo.dir, 'verify', '--now', '2026-11-18T09:00:00Z']);
    expect(early.code).toBe(2);
    expect(early.stderr).toContain(
      'has no `started` record for production at or before 2026-11-18T09:00:00Z',
    );
    const sha = await runCli(['--repo', repo.dir, 'verify', '--sha', 'no-such-ref', '--now', AFTER_CLOSE]);
    expect(sha.code).toBe(2);
    expect(sha.stderr).toContain('--sha no-such-ref: not a commit in this repository.');
  });
});
