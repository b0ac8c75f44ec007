import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/assess/plan-types.js';
import { collectSources } from '../../src/collect/sources/index.js';
import { sourcesSchema } from '../../src/config/sources-schema.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli, runPlanJson } from '../helpers/run.js';
import { schemaErrorsText, schemaValidator } from '../helpers/schemas.js';
import {
  eventually,
  freePort,
  liveServersAvailable,
  startAlertmanager,
  startPrometheus,
  type LiveServer,
} from '../helpers/servers.js';

/** Prometheus and Alertmanager sources against the real servers (Debian packages) on 127.0.0.1. */

const METRICS = [
  '# TYPE app_error_ratio gauge',
  'app_error_ratio{service="web"} 0.031',
  'app_error_ratio{service="api"} 0.004',
  '# TYPE app_latency_seconds gauge',
  'app_latency_seconds 0.2',
  '# TYPE app_requests_per_second gauge',
  'app_requests_per_second 1500',
  '',
].join('\n');

const validate = schemaValidator('plan');

describe.skipIf(!liveServersAvailable())('live sources: Prometheus and Alertmanager', () => {
  let app: Server;
  let prometheus: LiveServer;
  let alertmanager: LiveServer;
  let deadUrl: string;
  let repo: TestRepo;

  beforeAll(async () => {
    app = createServer((req, res) => {
      res.writeHead(req.url === '/metrics' ? 200 : 404, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(req.url === '/metrics' ? METRICS : '');
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const appPort = (app.address() as AddressInfo).port;
    [prometheus, alertmanager] = await Promise.all([
      startPrometheus([`127.0.0.1:${appPort}`]),
      startAlertmanager(),
    ]);
    deadUrl = `http://127.0.0.1:${await freePort()}`;

    const now = new Date();
    const alert = (alertname: string, severity: string) => ({
      labels: { alertname, severity, env: 'production' },
      annotations: { summary: alertname },
      startsAt: new Date(now.getTime() - 60_000).toISOString(),
      endsAt: new Date(now.getTime() + 3_600_000).toISOString(),
    });
    const posted = await fetch(`${alertmanager.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        alert('HighErrorRate', 'critical'),
        alert('DiskFull', 'critical'),
        alert('SlowQueries', 'warning'),
      ]),
    });
    expect(posted.status).toBe(200);
    await Promise.all([
      eventually(async () => {
        const body = (await (await fetch(`${alertmanager.url}/api/v2/alerts?active=true`)).json()) as Array<{
          status: { state: string };
        }>;
        return body.filter((a) => a.status.state === 'active').length === 3;
      }, 'alertmanager to process the alerts'),
      eventually(async () => {
        const body = (await (
          await fetch(`${prometheus.url}/api/v1/query?query=app_requests_per_second`)
        ).json()) as { data: { result: unknown[] } };
        return body.data.result.length === 1;
      }, 'prometheus to scrape the app'),
    ]);

    repo = makeRepo('da-live-');
    repo.writeLines('src/app.ts', 20);
    repo.commit('initial');
    repo.write('README.md', '# docs only\n');
    repo.commit('docs');
  }, 60_000);

  afterAll(async () => {
    repo?.cleanup();
    await Promise.all([prometheus?.stop(), alertmanager?.stop()]);
    app?.closeAllConnections();
    await new Promise((resolve) => app?.close(resolve));
  });

  const policyOf = (raw: unknown) => sourcesSchema.parse(raw);

  it('reads Prometheus instant queries: the worst series, a healthy value, no data, a rejected query, an outage', async () => {
    const policy = policyOf({
      metrics: [
        {
          name: 'error-rate',
          provider: 'prometheus',
          url: prometheus.url,
          query: 'app_error_ratio',
          max: 0.02,
        },
        {
          name: 'latency',
          provider: 'prometheus',
          url: prometheus.url,
          query: 'app_latency_seconds',
          max: 0.5,
        },
        {
          name: 'scalar',
          provider: 'prometheus',
          url: `${prometheus.url}/`,
          query: 'scalar(app_latency_seconds) * 2',
          max: 1,
        },
        { name: 'absent', provider: 'prometheus', url: prometheus.url, query: 'no_such_metric', max: 1 },
        { name: 'broken', provider: 'prometheus', url: prometheus.url, query: 'sum(', max: 1 },
        { name: 'down', provider: 'prometheus', url: deadUrl, query: 'up', max: 1 },
      ],
    });
    const facts = await collectSources(policy, { env: {}, offline: false });
    const byName = Object.fromEntries(facts.map((f) => [f.name, f]));
    expect(byName['error-rate']?.outcome).toEqual({
      status: 'metric',
      value: 0.031,
      detail: expect.stringContaining('worst of 2 series: app_error_ratio{') as unknown,
    });
    expect(byName['error-rate']?.outcome).toMatchObject({
      detail: expect.stringContaining('service="web"') as unknown,
    });
    expect(byName.latency?.outcome).toEqual({ status: 'metric', value: 0.2, detail: '' });
    expect(byName.scalar?.outcome).toEqual({ status: 'metric', value: 0.4, detail: '' });
    expect(byName.absent?.outcome).toEqual({ status: 'no-data', reason: 'the query returned no series' });
    expect(byName.broken?.outcome).toMatchObject({
      status: 'unavailable',
      reason: expect.stringContaining('HTTP 400') as unknown,
    });
    expect(byName.down?.outcome).toMatchObject({
      status: 'unavailable',
      reason: expect.stringContaining('ECONNREFUSED') as unknown,
    });
    for (const fact of facts.filter((f) => f.name !== 'down'))
      expect(fact.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('reads firing Alertmanager alerts that match every matcher', async () => {
    const policy = policyOf({
      alerts: [
        {
          name: 'critical',
          provider: 'alertmanager',
          url: alertmanager.url,
          matchers: ['severity="critical"', 'env="production"'],
        },
        { name: 'info', provider: 'alertmanager', url: alertmanager.url, matchers: ['severity="info"'] },
        { name: 'regex', provider: 'alertmanager', url: alertmanager.url, matchers: ['alertname=~"Slow.*"'] },
      ],
    });
    const facts = await collectSources(policy, { env: {}, offline: false });
    const names = (i: number) => {
      const outcome = facts[i]?.outcome;
      return outcome?.status === 'alerts' ? outcome.firing.map((a) => a.name).sort() : outcome;
    };
    expect(names(0)).toEqual(['DiskFull', 'HighErrorRate']);
    expect(names(1)).toEqual([]);
    expect(names(2)).toEqual(['SlowQueries']);
    expect(facts[0]?.query).toBe('severity="critical", env="production"');
  });

  function writePolicy(sources: string): void {
    repo.write('.deployadvisor.yml', `timezone: UTC\nsources:\n${sources}`);
  }

  async function plan(...extra: string[]): Promise<{ plan: Plan; code: number; stdout: string }> {
    const result = await runCli([
      '--repo',
      repo.dir,
      '--format',
      'json',
      'plan',
      '--now',
      '2026-11-23T10:00:00Z',
      '--from',
      'HEAD~1',
      ...extra,
    ]);
    expect(result.stdout.length, result.stderr).toBeGreaterThan(0);
    const parsed = JSON.parse(result.stdout) as Plan;
    expect(validate(parsed), schemaErrorsText(validate.errors)).toBe(true);
    return { plan: parsed, code: result.code, stdout: result.stdout };
  }

  it('plan: unhealthy production and firing alerts WAIT, naming them; the table shows query, value and latency', async () => {
    writePolicy(
      [
        '  metrics:',
        `    - { name: error-rate, provider: prometheus, url: "${prometheus.url}", query: "max(app_error_ratio)", max: 0.02, onError: inconclusive, onNoData: wait }`,
        `    - { name: latency, provider: prometheus, url: "${prometheus.url}", query: app_latency_seconds, max: 0.5 }`,
        `    - { name: load, provider: prometheus, url: "${prometheus.url}", query: app_requests_per_second, max: 1000, role: load }`,
        '  alerts:',
        `    - { name: critical-alerts, provider: alertmanager, url: "${alertmanager.url}", matchers: ['severity="critical"'], onError: wait }`,
        '',
      ].join('\n'),
    );
    const { plan: json, code } = await plan();
    expect(json.verdict).toBe('WAIT');
    expect(code).toBe(3);
    expect(json.gates.map((g) => [g.id, g.level, g.title])).toEqual([
      ['source-unhealthy', 'wait', 'Unhealthy production: error-rate'],
      ['source-alerts', 'wait', 'Alerts firing: DiskFull, HighErrorRate'],
    ]);
    expect(json.sources.map((s) => [s.name, s.kind, s.status, s.query, s.value])).toEqual([
      ['error-rate', 'metric', 'ok', 'max(app_error_ratio)', '0.031'],
      ['latency', 'metric', 'ok', 'app_latency_seconds', '0.2'],
      // A docs-only change is not risky: high load does not hold it back.
      ['load', 'metric', 'ok', 'app_requests_per_second', '1500'],
      ['critical-alerts', 'alerts', 'ok', 'severity="critical"', '2 firing: DiskFull, HighErrorRate'],
    ]);
    expect(json.sources[2]?.reason).toBe('1500 is above max 1000, but the change is not risky');
    for (const source of json.sources) expect(source.latencyMs).toEqual(expect.any(Number));

    const text = await runCli([
      '--repo',
      repo.dir,
      'plan',
      '--now',
      '2026-11-23T10:00:00Z',
      '--from',
      'HEAD~1',
    ]);
    expect(text.stdout).toMatch(/^WAIT/);
    expect(text.stdout).toContain('Sources');
    expect(text.stdout).toMatch(/error-rate\s*│\s*ok/);
    const markdown = await runCli([
      '--repo',
      repo.dir,
      '--format',
      'markdown',
      'plan',
      '--now',
      '2026-11-23T10:00:00Z',
      '--from',
      'HEAD~1',
    ]);
    expect(markdown.stdout).toMatch(
      /\| critical-alerts \| ok \| \d+ ms \| `severity="critical"` \| 2 firing: DiskFull, HighErrorRate: /,
    );
  });

  it('plan: an outage is never a silent GO; --offline skips every source', async () => {
    writePolicy(
      [
        '  timeoutMs: 3000',
        '  metrics:',
        `    - { name: error-rate, provider: prometheus, url: "${deadUrl}", query: up, max: 1, onError: inconclusive }`,
        `    - { name: healthy, provider: prometheus, url: "${prometheus.url}", query: app_latency_seconds, max: 0.5 }`,
        '',
      ].join('\n'),
    );
    const down = await plan();
    expect(down.plan.verdict).toBe('INCONCLUSIVE');
    expect(down.code).toBe(5);
    expect(down.plan.sources.map((s) => s.status)).toEqual(['unavailable', 'ok']);
    expect(down.plan.gates[0]).toMatchObject({
      id: 'source-unavailable',
      level: 'inconclusive',
      kind: 'source',
    });

    const offline = await plan('--offline');
    expect(offline.plan.verdict).toBe('GO');
    expect(offline.plan.sources.map((s) => [s.status, s.latencyMs, s.reason])).toEqual([
      ['skipped', null, '--offline: not asked'],
      ['skipped', null, '--offline: not asked'],
    ]);
  });

  it('plan: a required source skipped by --offline is INCONCLUSIVE; a missing tokenEnv variable is an outage, and the token is never printed', async () => {
    writePolicy(
      [
        '  metrics:',
        `    - { name: error-rate, provider: prometheus, url: "${prometheus.url}", query: app_latency_seconds, max: 1, required: true, tokenEnv: PROM_TOKEN_FOR_TEST, onError: block }`,
        '',
      ].join('\n'),
    );
    const offline = await plan('--offline');
    expect(offline.plan.verdict).toBe('INCONCLUSIVE');
    const missing = await plan();
    expect(missing.plan.verdict).toBe('BLOCK');
    expect(missing.plan.sources[0]?.reason).toContain(
      'environment variable PROM_TOKEN_FOR_TEST (tokenEnv) is not set',
    );
    const withToken = await runPlanJson(repo.dir, ['--from', 'HEAD~1'], {
      env: { PROM_TOKEN_FOR_TEST: 'tok-s3cret-123' },
    });
    expect(withToken.plan.verdict).toBe('GO');
    expect(withToken.stdout + withToken.stderr).not.toContain('tok-s3cret-123');
  });

  // Last: it stops this file's Prometheus.
  it('plan: Prometheus hung, then stopped, mid-suite gives the onError outcome within the deadline', async () => {
    const deadline = 2000;
    writePolicy(
      [
        `  timeoutMs: ${deadline}`,
        '  metrics:',
        `    - { name: error-rate, provider: prometheus, url: "${prometheus.url}", query: app_error_ratio, max: 1, onError: block }`,
        `    - { name: latency, provider: prometheus, url: "${prometheus.url}", query: app_latency_seconds, max: 1, onError: wait }`,
        '',
      ].join('\n'),
    );
    const up = await plan();
    expect(up.plan.verdict).toBe('GO');

    const pid = prometheus.pid;
    if (pid === undefined) throw new Error('no prometheus pid');
    // Frozen: the kernel still accepts connections, nothing answers; only the deadline ends the wait.
    process.kill(pid, 'SIGSTOP');
    let hung: Awaited<ReturnType<typeof plan>>;
    let hungMs: number;
    try {
      const started = Date.now();
      hung = await plan();
      hungMs = Date.now() - started;
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect(hungMs).toBeLessThan(deadline + 3000);
    expect(hung.plan.verdict).toBe('BLOCK');
    expect(hung.code).toBe(4);
    expect(hung.plan.sources.map((s) => [s.name, s.status])).toEqual([
      ['error-rate', 'unavailable'],
      ['latency', 'unavailable'],
    ]);
    expect(hung.plan.gates.map((g) => [g.id, g.level, g.title])).toEqual([
      ['source-unavailable', 'block', 'Source error-rate unavailable'],
      ['source-unavailable', 'wait', 'Source latency unavailable'],
    ]);

    // Stopped for good: refused at once, same outcome per onError.
    await prometheus.stop();
    const started = Date.now();
    const gone = await plan();
    expect(Date.now() - started).toBeLessThan(deadline + 3000);
    expect(gone.plan.verdict).toBe('BLOCK');
    expect(gone.plan.sources.map((s) => s.status)).toEqual(['unavailable', 'unavailable']);
    expect(gone.plan.sources[0]?.reason).toContain('ECONNREFUSED');
    expect(gone.plan.gates.map((g) => g.level)).toEqual(['block', 'wait']);

    // onError: wait alone: the outage WAITs, never a silent GO.
    writePolicy(
      [
        `  timeoutMs: ${deadline}`,
        '  metrics:',
        `    - { name: latency, provider: prometheus, url: "${prometheus.url}", query: app_latency_seconds, max: 1, onError: wait }`,
        '',
      ].join('\n'),
    );
    const waiting = await plan();
    expect(waiting.plan.verdict).toBe('WAIT');
    expect(waiting.plan.gates.map((g) => [g.id, g.level])).toEqual([['source-unavailable', 'wait']]);
  }, 30_000);
});
